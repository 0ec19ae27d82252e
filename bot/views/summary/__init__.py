"""How the weekly summary reads, draws and exports, in a member's language."""
