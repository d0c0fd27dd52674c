"""The Label Studio server, through `label_studio_sdk`: the only module that imports it.

Every failure becomes a LabelStudioError that says what to do: an unreachable server, a
refused token, a request the server rejects (with its own explanation).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
from label_studio_sdk import LabelStudio
from label_studio_sdk.core.api_error import ApiError

from annotate.label_studio.errors import LabelStudioError

PAGE_SIZE = 500


class Server:
    """A checked connection to one Label Studio server."""

    def __init__(self, *, url: str, token: str, timeout: float, max_retries: int) -> None:
        self.url = url.rstrip("/")
        if not self.url.startswith(("http://", "https://")):
            raise LabelStudioError(f"'{url}' is not a Label Studio URL: give http(s)://host:port.")
        if not token:
            raise LabelStudioError("Give Label Studio's API token (--token).")
        # A legacy token is sent as "Token <key>", a personal access token (a JWT) is
        # exchanged for access tokens: the SDK tells them apart by their shape.
        self.sdk = LabelStudio(
            base_url=self.url, api_key=token, timeout=timeout, max_retries=max_retries
        )
        self.call("check the token", self.sdk.users.whoami)

    def call(self, what: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except ApiError as exc:
            raise LabelStudioError(self._refusal(what, exc)) from exc
        except httpx.TimeoutException as exc:
            raise LabelStudioError(
                f"Label Studio at {self.url} did not answer in time while trying to {what}."
            ) from exc
        except httpx.HTTPError as exc:
            raise LabelStudioError(
                f"Cannot reach Label Studio at {self.url} ({type(exc).__name__}: {exc}). "
                "Is the server running, and is the URL right?"
            ) from exc

    def _refusal(self, what: str, exc: ApiError) -> str:
        status = exc.status_code
        if status in (401, 403):
            return (
                f"Label Studio at {self.url} refused the API token (HTTP {status}) while trying "
                f"to {what}. Copy the token from Label Studio's Account & Settings page; a "
                "legacy token works only if the server enables legacy tokens."
            )
        detail = exc.body
        if isinstance(detail, dict):
            detail = detail.get("validation_errors") or detail.get("detail") or detail
        return f"Label Studio at {self.url} could not {what} (HTTP {status}): {detail}"

    def project_find(self, title: str) -> Any | None:
        """The project with exactly this title, None if there is none."""
        listed = self.call(
            "list projects", lambda: list(self.sdk.projects.list(title=title, page_size=100))
        )
        found = [p for p in listed if p.title == title]
        if len(found) > 1:
            ids = ", ".join(str(p.id) for p in found)
            raise LabelStudioError(
                f"Label Studio has several projects titled '{title}' (ids {ids}): rename all "
                "but one, or name another with --project."
            )
        if not found:
            return None
        return self.call("read the project", self.sdk.projects.get, found[0].id)

    def project_create(self, *, title: str, label_config: str) -> Any:
        return self.call(
            "create the project", self.sdk.projects.create, title=title, label_config=label_config
        )

    def project_config_set(self, project_id: int, label_config: str) -> None:
        self.call(
            "update the project's labelling config",
            self.sdk.projects.update,
            project_id,
            label_config=label_config,
        )

    def tasks_import(self, project_id: int, tasks: list[dict[str, Any]]) -> int:
        response = self.call(
            "import tasks", self.sdk.projects.import_tasks, project_id, request=tasks
        )
        return int(response.task_count or 0)

    def tasks(self, project_id: int, *, with_annotations: bool) -> Iterator[Any]:
        """The project's tasks, page by page: data only, or annotated ones with annotations."""
        kwargs: dict[str, Any] = {"project": project_id, "page_size": PAGE_SIZE}
        if with_annotations:
            kwargs["only_annotated"] = True
        else:
            kwargs["fields"] = "task_only"
        iterator = iter(self.call("list tasks", self.sdk.tasks.list, **kwargs))
        while (item := self.call("list tasks", next, iterator, None)) is not None:
            yield item

    def user_emails(self) -> dict[int, str]:
        users = self.call("list users", lambda: list(self.sdk.users.list()))
        return {int(u.id): u.email or "" for u in users}
