from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

import config.ids  # noqa: F401 - registers the <id:...> path converter
from annotate.api import annotations, articles, audit, imports, suggestions, tasks

app_name = "annotate-api"
urlpatterns: list[URLPattern | URLResolver] = [
    path("imports/", imports.ImportCollectionApi.as_view(), name="imports"),
    path("imports/<id:batch_id>/", imports.ImportDetailApi.as_view(), name="import-detail"),
    path("articles/", articles.ArticleListApi.as_view(), name="articles"),
    path("articles/<id:article_id>/", articles.ArticleDetailApi.as_view(), name="article-detail"),
    path("audit/", audit.AuditEventListApi.as_view(), name="audit"),
    path("tasks/", tasks.QueueApi.as_view(), name="queue"),
    path("tasks/next/", tasks.TaskNextApi.as_view(), name="task-next"),
    path("tasks/<id:task_id>/", tasks.TaskDetailApi.as_view(), name="task-detail"),
    path("tasks/<id:task_id>/start/", tasks.TaskStartApi.as_view(), name="task-start"),
    path(
        "tasks/<id:task_id>/suggestions/",
        suggestions.TaskSuggestionListApi.as_view(),
        name="task-suggestions",
    ),
    path(
        "suggestions/decisions/",
        suggestions.SuggestionDecisionManyApi.as_view(),
        name="suggestion-decisions",
    ),
    path(
        "suggestions/<id:suggestion_id>/decision/",
        suggestions.SuggestionDecisionApi.as_view(),
        name="suggestion-decision",
    ),
    path(
        "annotations/<id:annotation_id>/",
        annotations.AnnotationDetailApi.as_view(),
        name="annotation-detail",
    ),
    path(
        "annotations/<id:annotation_id>/draft/",
        annotations.AnnotationDraftApi.as_view(),
        name="annotation-draft",
    ),
    path(
        "annotations/<id:annotation_id>/submit/",
        annotations.AnnotationSubmitApi.as_view(),
        name="annotation-submit",
    ),
    path(
        "annotations/<id:annotation_id>/skip/",
        annotations.AnnotationSkipApi.as_view(),
        name="annotation-skip",
    ),
]
