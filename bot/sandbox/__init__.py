"""The sandbox: the real bot against the local emulator, with a web chat page."""
