"""One bound for every database id and counter that a request can name.

Ids are 64-bit (BigAutoField) and counters such as `version` 32-bit on PostgreSQL; SQLite
stores 64 bits. A number past those bounds reaching a query is a server error (SQLite:
OverflowError; PostgreSQL: "out of range"), so they are refused before: in a URL the `<id:...>`
converter takes 1 to 18 digits (anything longer is no route: 404), and in a body or query
string the fields below carry the bound (400 naming the field).

Importing this module registers the `id` path converter; URL confs that use it import it.
"""

from __future__ import annotations

from typing import Any

from django.urls import register_converter
from rest_framework import serializers

ID_MAX = 999_999_999_999_999_999  # 18 digits: below 2**63 - 1
COUNTER_MAX = 2**31 - 1  # PositiveIntegerField on PostgreSQL


class IdConverter:
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(IdConverter, "id")


def id_field(**kwargs: Any) -> serializers.IntegerField:
    """An integer naming a row: 1 to ID_MAX."""
    return serializers.IntegerField(min_value=1, max_value=ID_MAX, **kwargs)


def version_field(**kwargs: Any) -> serializers.IntegerField:
    """An optimistic-lock version a client sends back: 0 to COUNTER_MAX."""
    return serializers.IntegerField(min_value=0, max_value=COUNTER_MAX, **kwargs)
