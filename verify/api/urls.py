from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

import config.ids  # noqa: F401 - registers the <id:...> path converter
from verify.api import adjudication, agreement, entities, facts, releases

app_name = "verify-api"
urlpatterns: list[URLPattern | URLResolver] = [
    path("entities/", entities.EntityCollectionApi.as_view(), name="entities"),
    path(
        "entities/suggestions/",
        entities.EntitySuggestionListApi.as_view(),
        name="entity-suggestions",
    ),
    path("entities/merge/", entities.EntityMergeApi.as_view(), name="entity-merge"),
    path("entities/<id:entity_id>/", entities.EntityDetailApi.as_view(), name="entity-detail"),
    path(
        "entities/<id:entity_id>/aliases/",
        entities.EntityAliasCreateApi.as_view(),
        name="entity-aliases",
    ),
    path("entities/<id:entity_id>/split/", entities.EntitySplitApi.as_view(), name="entity-split"),
    path("facts/", facts.FactCollectionApi.as_view(), name="facts"),
    path("facts/candidates/", facts.FactCandidatesApi.as_view(), name="fact-candidates"),
    path("facts/<id:fact_id>/", facts.FactDetailApi.as_view(), name="fact-detail"),
    path("adjudications/", adjudication.AdjudicationQueueApi.as_view(), name="adjudications"),
    path(
        "adjudications/<id:task_id>/",
        adjudication.AdjudicationDetailApi.as_view(),
        name="adjudication-detail",
    ),
    path(
        "adjudications/<id:task_id>/save/",
        adjudication.AdjudicationSaveApi.as_view(),
        name="adjudication-save",
    ),
    path(
        "adjudications/facts/<id:fact_id>/",
        adjudication.FactAdjudicationApi.as_view(),
        name="fact-adjudication",
    ),
    path("agreement/", agreement.AgreementDashboardApi.as_view(), name="agreement"),
    path("agreement/tasks/", agreement.AgreementTaskListApi.as_view(), name="agreement-tasks"),
    path(
        "agreement/tasks/<id:task_id>/",
        agreement.AgreementTaskDetailApi.as_view(),
        name="agreement-task",
    ),
    path("releases/", releases.ReleaseCollectionApi.as_view(), name="releases"),
    path("releases/compare/", releases.ReleaseCompareApi.as_view(), name="release-compare"),
    path("releases/<id:release_id>/", releases.ReleaseDetailApi.as_view(), name="release-detail"),
]
