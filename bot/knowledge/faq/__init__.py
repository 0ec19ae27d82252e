"""The FAQ knowledge base: YAML files, see README.md."""
