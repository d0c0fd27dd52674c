"""`README.md`: the dataset card. Built from the release's statistics only, so it has no
date or release name in it (those are in the release record): unchanged data, same bytes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def _table(title: str, counts: Mapping[str, int]) -> str:
    if not counts:
        return f"{title}: none.\n"
    rows = "".join(f"| {key} | {n} |\n" for key, n in sorted(counts.items()))
    return f"| {title} | count |\n| --- | --- |\n{rows}"


def _agreement(stats: Mapping[str, Any]) -> str:
    a = stats["agreement"]
    if not a["tasks_with_figures"]:
        return "No agreement figures (no task had two reviewers drawing spans).\n"
    return (
        f"Labelled span F1 between reviewers (pooled per task, then averaged over "
        f"{a['tasks_with_figures']} tasks): mean {a['mean_f1']:.3f}, lowest {a['min_f1']:.3f}. "
        f"Conflict items decided by an admin: {a['conflicts']}.\n"
    )


def dataset_card(stats: Mapping[str, Any]) -> str:
    counts = stats["counts"]
    filters = stats["filters"]
    langs = ", ".join(filters.get("languages") or []) or "all"
    since = filters.get("since") or "any date"
    return f"""# Crosscheck gold dataset

Adjudicated entity mentions, claims and facts from news articles in Arabic, Russian and
other languages, cross-checked across outlets. Made with Crosscheck: each article was
annotated blind by two or more reviewers; their agreement was measured; an admin
adjudicated every conflict; only that adjudicated (gold) layer is released. A fact's verdict
is recomputed from the released evidence, counting independent origins (several outlets
relaying one ministry statement count once); where an admin decided a disputed fact, the
outcome is given beside the computed verdict.

Filters: languages {langs}; articles published since {since}.

## Counts

| what | count |
| --- | --- |
| articles | {counts["articles"]} |
| mentions | {counts["mentions"]} |
| claims | {counts["claims"]} |
| facts | {counts["facts"]} |
| evidence rows | {counts["evidence"]} |
| entities | {counts["entities"]} |

{_table("article language", stats["languages"])}
{_table("mention label", stats["labels"])}
{_table("fact verdict", stats["verdicts"])}
{_table("FEVER label", stats["fever_labels"])}
{_table("admin outcome on disputed facts", stats["outcomes"])}
## Agreement

{_agreement(stats)}
## Files

- `entities.jsonl`, `mentions.jsonl`, `facts.jsonl`, `fever.jsonl`: JSON Lines.
- `conll/<language>.conll`: mentions as BIO tags, a `-DOCSTART-` line per article.
- `label_studio.json`: Label Studio tasks with the adjudicated annotation.
- `parquet/*.parquet`: entities, mentions, facts and evidence tables.
- `checksums.sha256`: `sha256sum -c checksums.sha256` checks every file.

The schema of every file is in Crosscheck's `docs/dataset.md`. Load, for example:

```python
import pandas as pd
facts = pd.read_parquet("parquet/facts.parquet")
from datasets import load_dataset
mentions = load_dataset("parquet", data_files="parquet/mentions.parquet")["train"]
```

Offsets are Unicode code points into the article text (as Python indexes strings).

## Known limits

- Claims not linked to a fact appear only in `label_studio.json`.
- The CoNLL tokeniser is rule-based; a span that starts or ends inside a token tags the
  whole token; of nested spans, the outer one is kept in CoNLL (all are in mentions.jsonl).
- A verdict counts origins as reviewers attributed them; an unattributed claim counts its
  outlet as its origin.
- Article texts are included (label_studio.json): check the outlets' terms before
  redistributing.
"""
