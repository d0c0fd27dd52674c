from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

import config.ids  # noqa: F401 - registers the <id:...> path converter
from verify import views, views_adjudication, views_facts, views_releases

app_name = "verify"
urlpatterns: list[URLPattern | URLResolver] = [
    path("entities/", views.entity_list, name="entity-list"),
    path("entities/new/", views.entity_new, name="entity-new"),
    path("entities/suggestions/", views.entity_suggestions, name="entity-suggestions"),
    path("entities/merge/", views.entity_merge, name="entity-merge"),
    path("entities/distinguish/", views.entity_distinguish, name="entity-distinguish"),
    path("entities/<id:entity_id>/", views.entity_detail, name="entity-detail"),
    path("entities/<id:entity_id>/aliases/", views.entity_alias_add, name="entity-alias-add"),
    path("entities/<id:entity_id>/split/", views.entity_split, name="entity-split"),
    path("facts/", views_facts.fact_list, name="fact-list"),
    path("facts/<id:fact_id>/", views_facts.fact_detail, name="fact-detail"),
    # Adjudication and agreement (admins only).
    path("adjudication/", views_adjudication.adjudication_queue, name="adjudication-queue"),
    path(
        "adjudication/<id:task_id>/",
        views_adjudication.adjudication_page,
        name="adjudication",
    ),
    path(
        "adjudication/facts/",
        views_adjudication.fact_adjudication_list,
        name="fact-adjudication-list",
    ),
    path(
        "adjudication/facts/<id:fact_id>/",
        views_adjudication.fact_adjudication_detail,
        name="fact-adjudication",
    ),
    path("dashboard/", views_adjudication.dashboard, name="dashboard"),
    path("dashboard/agreement.csv", views_adjudication.dashboard_csv, name="dashboard-csv"),
    # Gold releases (admins only).
    path("releases/", views_releases.release_list, name="release-list"),
    path("releases/compare/", views_releases.release_compare, name="release-compare"),
    path("releases/<id:release_id>/", views_releases.release_detail, name="release-detail"),
    path(
        "releases/<id:release_id>/download/",
        views_releases.release_download,
        name="release-download",
    ),
]
