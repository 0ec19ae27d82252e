"""How new-member reports read and export, in a member's language."""
