"""Canonical entities and facts, cross-source verdicts, adjudication and gold releases."""

from __future__ import annotations
