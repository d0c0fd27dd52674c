"""Work beside Label Studio: print the labelling config, push tasks, pull annotations, and
read or write Label Studio JSON files.

Why it exists: teams already annotate in Label Studio. This lets them keep doing so while
agreement, adjudication and releases happen here, without anyone copying files by hand:

    manage.py label_studio config > config.xml
    manage.py label_studio push --url http://127.0.0.1:8080 --token TOKEN
    manage.py label_studio pull --url http://127.0.0.1:8080 --token TOKEN
    manage.py label_studio import export.json --reviewer 3=alice@example.org
    manage.py label_studio export --state complete -o tasks.json

`--token` defaults to the LABEL_STUDIO_API_KEY environment variable, so the token need not
appear in the shell history. Every subcommand that writes has `--dry-run`.
"""

from __future__ import annotations

import os
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from annotate.label_studio import (
    LabelStudioError,
    label_config_xml,
    label_studio_export_json,
    label_studio_file_import,
    label_studio_pull,
    label_studio_push,
)
from annotate.models import Project, Task
from annotate.services.projects import DEFAULT_PROJECT_SLUG, project_ensure_default


class Command(BaseCommand):
    help = "Exchange label config, tasks and annotations with Label Studio."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, parser_class=CommandParser)
        config = sub.add_parser("config", help="Print the project's Label Studio labelling config.")
        self._crosscheck_project(config)
        for name, text in (
            ("push", "Create or update the Label Studio project and send new articles as tasks."),
            ("pull", "Bring annotations made in Label Studio back as our reviewers' annotations."),
        ):
            action = sub.add_parser(name, help=text)
            self._crosscheck_project(action)
            action.add_argument("--url", required=True, help="Label Studio's address.")
            action.add_argument(
                "--token",
                default=os.environ.get("LABEL_STUDIO_API_KEY", ""),
                help="API token (default: $LABEL_STUDIO_API_KEY).",
            )
            action.add_argument(
                "--project", default="", help="Label Studio project title (default: ours)."
            )
            action.add_argument("--timeout", type=float, default=60.0, help="Seconds per request.")
            action.add_argument("--dry-run", action="store_true", help="Report, change nothing.")
        imp = sub.add_parser("import", help="Import a Label Studio JSON export with annotations.")
        self._crosscheck_project(imp)
        imp.add_argument("file", type=Path)
        imp.add_argument(
            "--reviewer",
            action="append",
            default=[],
            metavar="ID=EMAIL",
            help="Map a Label Studio user id to a reviewer's e-mail (repeat as needed).",
        )
        imp.add_argument("--overlap", type=int, default=None, help="Reviewers per new task.")
        imp.add_argument("--dry-run", action="store_true", help="Report, store nothing.")
        exp = sub.add_parser("export", help="Write tasks as Label Studio JSON.")
        self._crosscheck_project(exp)
        exp.add_argument("-o", "--output", type=Path, help="File to write (default: stdout).")
        exp.add_argument("--state", choices=[s for s, _ in Task.State.choices], default=None)
        exp.add_argument("--tasks", default="", help="Task ids, e.g. 1,2,10-20.")

    @staticmethod
    def _crosscheck_project(parser: ArgumentParser) -> None:
        parser.add_argument(
            "--crosscheck-project",
            default=DEFAULT_PROJECT_SLUG,
            help="Slug of the Crosscheck project (default: %(default)s).",
        )

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        project = self._project(options["crosscheck_project"])
        try:
            getattr(self, f"_{action}")(project, options)
        except LabelStudioError as exc:
            raise CommandError(str(exc)) from exc

    def _project(self, slug: str) -> Project:
        if slug == DEFAULT_PROJECT_SLUG:
            return project_ensure_default()
        project = Project.objects.filter(slug=slug).first()
        if project is None:
            raise CommandError(f"No Crosscheck project with the slug '{slug}'.")
        return project

    def _config(self, project: Project, options: dict[str, Any]) -> None:
        self.stdout.write(label_config_xml(project=project))

    def _push(self, project: Project, options: dict[str, Any]) -> None:
        report = label_studio_push(
            project=project,
            url=options["url"],
            token=options["token"],
            title=options["project"],
            dry_run=options["dry_run"],
            timeout=options["timeout"],
        )
        would = "would be " if report.dry_run else ""
        where = report.project_url or "a new project"
        if report.created_project:
            self.stdout.write(f"Label Studio project {would}created: {where}")
        elif report.updated_config:
            self.stdout.write(f"Labelling config {would}updated: {where}")
        self.stdout.write(
            f"{report.tasks_sent} tasks {would}sent ({report.predictions_sent} with predictions); "
            f"{report.tasks_already_there} were there already."
        )

    def _pull(self, project: Project, options: dict[str, Any]) -> None:
        report = label_studio_pull(
            project=project,
            url=options["url"],
            token=options["token"],
            title=options["project"],
            dry_run=options["dry_run"],
            timeout=options["timeout"],
        )
        would = "would be " if report.dry_run else ""
        self.stdout.write(
            f"{report.annotations_seen} annotations on {report.tasks_seen} tasks: "
            f"{report.created} {would}saved, {report.unchanged} unchanged, "
            f"{len(report.conflicts)} kept as they are here."
        )
        if report.ignored_results:
            self.stdout.write(
                f"{report.ignored_results} results of controls this project does not have "
                "were left out."
            )
        for line in report.conflicts:
            self.stderr.write(f"kept: {line}")

    def _import(self, project: Project, options: dict[str, Any]) -> None:
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror or exc}") from exc
        report = label_studio_file_import(
            project=project,
            name=str(path),
            data=data,
            reviewer_map=_reviewer_map(options["reviewer"]),
            overlap=options["overlap"],
            dry_run=options["dry_run"],
        )
        would = "would be " if report.dry_run else ""
        self.stdout.write(
            f"Articles: {report.articles_created} {would}created, {report.articles_skipped} "
            f"already here. Annotations: {report.annotations_created} {would}saved, "
            f"{report.annotations_unchanged} unchanged, {len(report.conflicts)} kept as they "
            f"are here. Predictions kept in article metadata: {report.predictions_kept}."
        )
        for line in report.conflicts:
            self.stderr.write(f"kept: {line}")

    def _export(self, project: Project, options: dict[str, Any]) -> None:
        tasks = Task.objects.filter(project=project).select_related("article__source")
        if options["state"]:
            tasks = tasks.filter(state=options["state"])
        if options["tasks"]:
            tasks = tasks.filter(pk__in=_id_list(options["tasks"]))
        tasks = tasks.order_by("pk")
        output: Path | None = options["output"]
        if output is None:
            self.stdout.ending = ""  # the JSON writer puts its own newlines
            count = label_studio_export_json(tasks=tasks.iterator(chunk_size=500), out=self.stdout)
        else:
            with output.open("w", encoding="utf-8") as out:
                count = label_studio_export_json(tasks=tasks.iterator(chunk_size=500), out=out)
        self.stderr.write(f"{count} tasks exported.")


def _reviewer_map(pairs: list[str]) -> dict[int, str]:
    mapping = {}
    for pair in pairs:
        ls_id, _, email = pair.partition("=")
        if not ls_id.strip().isdigit() or "@" not in email:
            raise CommandError(
                f"--reviewer takes ID=EMAIL, e.g. 3=alice@example.org, not '{pair}'."
            )
        mapping[int(ls_id)] = email.strip()
    return mapping


def _id_list(spec: str) -> set[int]:
    ids: set[int] = set()
    for part in spec.split(","):
        first, _, last = part.strip().partition("-")
        if not first.isdigit() or (last and not last.isdigit()):
            raise CommandError(f"--tasks takes ids and ranges like 1,2,10-20, not '{spec}'.")
        ids.update(range(int(first), int(last or first) + 1))
    return ids
