"""Data shipped with the bot (the FAQ knowledge base)."""
