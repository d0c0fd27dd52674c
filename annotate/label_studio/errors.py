"""The one error every Label Studio exchange raises."""

from __future__ import annotations

MAX_PROBLEMS_SHOWN = 30


class LabelStudioError(Exception):
    """An exchange with Label Studio that cannot go ahead. The message says why and what to do.

    `problems` lists every item at fault (an annotation, a span), so a person fixes them
    all in one round; the message shows the first MAX_PROBLEMS_SHOWN.
    """

    def __init__(self, message: str, *, problems: list[str] | None = None) -> None:
        self.problems = problems or []
        shown = self.problems[:MAX_PROBLEMS_SHOWN]
        lines = [message, *(f"  - {p}" for p in shown)]
        if len(self.problems) > len(shown):
            lines.append(f"  ... and {len(self.problems) - len(shown)} more")
        super().__init__("\n".join(lines))
