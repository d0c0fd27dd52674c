from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from annotate.api import annotations, articles, imports, suggestions, tasks

app_name = "annotate-api"
urlpatterns: list[URLPattern | URLResolver] = [
    path("imports/", imports.ImportCollectionApi.as_view(), name="imports"),
    path("imports/<int:batch_id>/", imports.ImportDetailApi.as_view(), name="import-detail"),
    path("articles/", articles.ArticleListApi.as_view(), name="articles"),
    path("articles/<int:article_id>/", articles.ArticleDetailApi.as_view(), name="article-detail"),
    path("tasks/", tasks.QueueApi.as_view(), name="queue"),
    path("tasks/next/", tasks.TaskNextApi.as_view(), name="task-next"),
    path("tasks/<int:task_id>/", tasks.TaskDetailApi.as_view(), name="task-detail"),
    path("tasks/<int:task_id>/start/", tasks.TaskStartApi.as_view(), name="task-start"),
    path(
        "tasks/<int:task_id>/suggestions/",
        suggestions.TaskSuggestionListApi.as_view(),
        name="task-suggestions",
    ),
    path(
        "suggestions/decisions/",
        suggestions.SuggestionDecisionManyApi.as_view(),
        name="suggestion-decisions",
    ),
    path(
        "suggestions/<int:suggestion_id>/decision/",
        suggestions.SuggestionDecisionApi.as_view(),
        name="suggestion-decision",
    ),
    path(
        "annotations/<int:annotation_id>/",
        annotations.AnnotationDetailApi.as_view(),
        name="annotation-detail",
    ),
    path(
        "annotations/<int:annotation_id>/draft/",
        annotations.AnnotationDraftApi.as_view(),
        name="annotation-draft",
    ),
    path(
        "annotations/<int:annotation_id>/submit/",
        annotations.AnnotationSubmitApi.as_view(),
        name="annotation-submit",
    ),
    path(
        "annotations/<int:annotation_id>/skip/",
        annotations.AnnotationSkipApi.as_view(),
        name="annotation-skip",
    ),
]
