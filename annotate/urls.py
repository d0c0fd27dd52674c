from __future__ import annotations

from django.urls import path

import config.ids  # noqa: F401 - registers the <id:...> path converter
from annotate import views, views_admin, views_audit, views_suggestions, views_workspace

app_name = "annotate"
urlpatterns = [
    path("", views.home, name="home"),
    path("tasks/next/", views_workspace.task_next, name="task-next"),
    path("tasks/<id:task_id>/annotate/", views_workspace.workspace, name="workspace"),
    path("annotations/<id:annotation_id>/", views_workspace.annotation_open, name="annotation"),
    path("articles/", views_admin.article_list, name="article-list"),
    path("articles/<id:article_id>/", views_admin.article_detail, name="article-detail"),
    path("imports/", views_admin.import_list, name="import-list"),
    path("imports/new/", views_admin.import_new, name="import-new"),
    path("imports/<id:batch_id>/", views_admin.import_detail, name="import-detail"),
    path("suggestions/rates/", views_suggestions.suggestion_rates, name="suggestion-rates"),
    path("audit/", views_audit.audit_list, name="audit"),
]
