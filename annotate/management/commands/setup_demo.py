"""Create the default project and the demo accounts, and print how to log in.

Why it exists: `make run` must leave a new user one step from working. Without it they
would face a login page and no account, and have to learn `createsuperuser` and the admin
site before seeing anything. It is safe to run on every start: what exists is kept, and a
password its owner changed is not reset unless `--reset-passwords` is given.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from annotate.services.accounts import DemoAccountState, demo_accounts_ensure
from annotate.services.projects import project_ensure_default


class Command(BaseCommand):
    help = "Create the default project and demo accounts (carol admin; alice, bob, dave reviewers)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Report what would be created, then roll everything back.",
        )
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help="Put the demo passwords back on demo accounts whose password was changed.",
        )
        parser.add_argument(
            "--url",
            default="http://127.0.0.1:8000",
            help="Where the app is served, for the login line (make run passes its HOST:PORT).",
        )

    def handle(
        self, *args: Any, dry_run: bool, reset_passwords: bool, url: str, **options: Any
    ) -> None:
        # A dry run takes the same code path inside a transaction that is rolled back, so
        # what it reports is exactly what a real run would do.
        with transaction.atomic():
            project = project_ensure_default()
            accounts = demo_accounts_ensure(reset_passwords=reset_passwords)
            if dry_run:
                transaction.set_rollback(True)
        prefix = "[dry run] " if dry_run else ""
        self.stdout.write(f"{prefix}Project: {project.name} (slug {project.slug})")
        self.stdout.write(
            self.style.WARNING(
                f"{prefix}Demo accounts. DEMO ONLY: these passwords are public; "
                "do not use them on a server others can reach."
            )
        )
        for account in accounts:
            self.stdout.write(f"{prefix}  {self._line(account, dry_run=dry_run)}")
        if not dry_run:
            self.stdout.write(
                f"Log in at {url.rstrip('/')}/accounts/login/ . API clients send the "
                "header 'Authorization: Token <token>'; API docs at /api/docs/ ."
            )

    def _line(self, account: DemoAccountState, *, dry_run: bool) -> str:
        if account.created:
            status = "would be created" if dry_run else "created"
        elif account.password_reset:
            status = "password would be reset" if dry_run else "password reset"
        else:
            status = "exists"
        if account.password is None:
            password = "(changed by its owner; kept; --reset-passwords restores it)"
        else:
            password = f"password: {account.password}"
        token = "(dry run: no token)" if dry_run else f"token: {account.token}"
        return f"{account.username:<6} {account.role:<9} {password:<31} {token:<48} [{status}]"
