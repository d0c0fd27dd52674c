"""Readers that turn files into ParsedArticle records (no database access here)."""
