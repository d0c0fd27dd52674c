from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "annotate-api"
urlpatterns: list[URLPattern | URLResolver] = []
