from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from verify import views

app_name = "verify"
urlpatterns: list[URLPattern | URLResolver] = [
    path("entities/", views.entity_list, name="entity-list"),
    path("entities/new/", views.entity_new, name="entity-new"),
    path("entities/suggestions/", views.entity_suggestions, name="entity-suggestions"),
    path("entities/merge/", views.entity_merge, name="entity-merge"),
    path("entities/distinguish/", views.entity_distinguish, name="entity-distinguish"),
    path("entities/<int:entity_id>/", views.entity_detail, name="entity-detail"),
    path("entities/<int:entity_id>/aliases/", views.entity_alias_add, name="entity-alias-add"),
    path("entities/<int:entity_id>/split/", views.entity_split, name="entity-split"),
]
