from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from verify.api import entities

app_name = "verify-api"
urlpatterns: list[URLPattern | URLResolver] = [
    path("entities/", entities.EntityCollectionApi.as_view(), name="entities"),
    path(
        "entities/suggestions/",
        entities.EntitySuggestionListApi.as_view(),
        name="entity-suggestions",
    ),
    path("entities/merge/", entities.EntityMergeApi.as_view(), name="entity-merge"),
    path("entities/<int:entity_id>/", entities.EntityDetailApi.as_view(), name="entity-detail"),
    path(
        "entities/<int:entity_id>/aliases/",
        entities.EntityAliasCreateApi.as_view(),
        name="entity-aliases",
    ),
    path("entities/<int:entity_id>/split/", entities.EntitySplitApi.as_view(), name="entity-split"),
]
