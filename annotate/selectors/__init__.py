"""Reads: querysets and shapes for views, APIs and commands. Split by noun."""
