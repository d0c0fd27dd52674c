"""Writes. Each function takes model instances and keyword-only arguments."""
