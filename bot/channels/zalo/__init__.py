"""The Zalo channel: the Zalo Bot Platform API client (the adapter comes with issue #16's later parts)."""
