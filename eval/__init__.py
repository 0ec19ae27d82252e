"""Evaluation of the FAQ on frozen question sets (see eval/README.md)."""
