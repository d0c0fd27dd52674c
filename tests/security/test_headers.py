"""Security headers and the Content Security Policy, on pages and on the API.

Every template is also read as a file: the strict CSP only holds while no template has an
inline script, an inline event handler or a `style=` attribute.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import AbstractUser
from django.test import Client

from config.security import CONTENT_SECURITY_POLICY
from tests.conftest import client_for
from tests.security.hostile import hostile_import

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(
    p
    for folder in ("templates", "annotate/templates", "verify/templates")
    for p in (ROOT / folder).rglob("*.html")
)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[^>]*\sstyle\s*=", re.I)


def _assert_secure_headers(response) -> None:  # noqa: ANN001
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


def test_the_policy_forbids_inline_script_and_other_origins() -> None:
    directives = dict(d.split(" ", 1) for d in CONTENT_SECURITY_POLICY.split("; "))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert "unsafe" not in CONTENT_SECURITY_POLICY


def test_the_login_page_sends_the_security_headers() -> None:
    _assert_secure_headers(Client().get("/accounts/login/"))


def test_a_redirect_to_the_login_page_sends_them_too() -> None:
    response = Client().get("/")
    assert response.status_code == 302
    _assert_secure_headers(response)


def test_pages_for_reviewers_and_admins_send_the_security_headers(
    alice: AbstractUser, carol: AbstractUser, project
) -> None:  # noqa: ANN001
    task = hostile_import(project=project)
    reviewer = client_for(alice)
    workspace = reviewer.get(f"/tasks/{task.pk}/annotate/")
    assert workspace.status_code == 200
    _assert_secure_headers(workspace)
    article = client_for(carol).get(f"/articles/{task.article_id}/")
    assert article.status_code == 200
    _assert_secure_headers(article)


def test_api_answers_send_the_security_headers(alice: AbstractUser) -> None:
    response = client_for(alice).get("/api/tasks/")
    assert response.status_code == 200
    _assert_secure_headers(response)


def test_the_swagger_page_allows_inline_styles_and_nothing_else_more(
    alice: AbstractUser,
) -> None:
    response = client_for(alice).get("/api/docs/")
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert policy == CONTENT_SECURITY_POLICY.replace(
        "style-src 'self'", "style-src 'self' 'unsafe-inline'"
    )
    assert "script-src 'self';" in policy
    assert b"cdn.jsdelivr.net" not in response.content


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_has_inline_script_handlers_or_style_attributes(template: Path) -> None:
    html = template.read_text(encoding="utf-8")
    assert not INLINE_SCRIPT.search(html)
    assert not EVENT_HANDLER.search(html)
    assert not STYLE_ATTRIBUTE.search(html)


def test_rendered_pages_have_no_inline_script(carol: AbstractUser, project) -> None:  # noqa: ANN001
    task = hostile_import(project=project)
    client = client_for(carol)
    for url in ["/", "/imports/new/", f"/articles/{task.article_id}/", "/verify/facts/"]:
        html = client.get(url).content.decode()
        assert not INLINE_SCRIPT.search(html), url
        assert not STYLE_ATTRIBUTE.search(html), url
