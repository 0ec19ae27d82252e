"""Messaging channels: each turns people's actions into neutral inputs and renders the neutral replies."""
