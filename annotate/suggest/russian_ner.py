"""Russian named entities (PER, ORG, LOC) from natasha.

natasha's models ship inside its wheels (navec and slovnet, ~55 MB), so nothing is
downloaded at run time. They load once, on first use, and stay cached for the process
(about a second). Give it only Russian text: the caller passes the Russian paragraphs
of an article as `(start, end)` offsets, so Arabic never reaches the tagger.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from natasha import Doc, NewsEmbedding, NewsNERTagger, Segmenter

from annotate.suggest import SOURCE_NATASHA, Label, Suggestion

# One character for one, so offsets into the normalised text are offsets into the
# original. natasha's embeddings were trained on plain spaces and hyphens: "Аш\u2011Шараа"
# is another token than "Аш-Шараа" to them (on the seeds the spans came out the same).
_SAME_LENGTH = str.maketrans(
    {"\u00a0": " ", "\u202f": " ", "\u2007": " ", "\u2010": "-", "\u2011": "-"}
)
_LABELS: dict[str, Label] = {"PER": "PER", "ORG": "ORG", "LOC": "LOC"}


@dataclass(frozen=True)
class _Models:
    segmenter: Segmenter
    tagger: NewsNERTagger


@functools.cache
def _models() -> _Models:
    return _Models(segmenter=Segmenter(), tagger=NewsNERTagger(NewsEmbedding()))


def normalise(text: str) -> str:
    """`text` with non-breaking spaces and hyphens made plain, at the same length."""
    return text.translate(_SAME_LENGTH)


def find_russian_entities(
    text: str, *, paragraphs: list[tuple[int, int]] | None = None
) -> list[Suggestion]:
    """PER/ORG/LOC suggestions in `text`, in text order.

    `paragraphs` are the `(start, end)` offsets of the Russian parts of `text`; only
    they are tagged. None means the whole text is Russian.
    """
    spans = [(0, len(text))] if paragraphs is None else sorted(paragraphs)
    _check_paragraphs(spans, len(text))
    models = _models()
    found: list[Suggestion] = []
    for start, end in spans:
        chunk = normalise(text[start:end])
        if not chunk.strip():
            continue
        doc = Doc(chunk)
        doc.segment(models.segmenter)
        doc.tag_ner(models.tagger)
        for span in doc.spans:
            label = _LABELS.get(span.type)
            if label is not None:
                s, e = start + span.start, start + span.stop
                found.append(
                    Suggestion(start=s, end=e, label=label, text=text[s:e], source=SOURCE_NATASHA)
                )
    return found


def _check_paragraphs(spans: list[tuple[int, int]], length: int) -> None:
    previous_end = 0
    for start, end in spans:
        if not 0 <= start <= end <= length:
            raise ValueError(f"paragraph ({start}, {end}) is outside the text (0, {length})")
        if start < previous_end:
            raise ValueError(f"paragraph ({start}, {end}) overlaps the one before it")
        previous_end = end
