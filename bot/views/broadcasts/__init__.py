"""How broadcasts read: audiences, progress, delivery reports and acknowledgements."""
