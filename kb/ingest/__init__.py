"""Readers, document structure and learning-point extraction."""
