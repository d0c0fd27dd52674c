"""Content hash (exact re-imports) and SimHash (near-duplicates, the same story republished)."""

from __future__ import annotations

import hashlib

import numpy as np

from annotate.importers.text import words


class _WordHashes(dict[str, int]):
    """Memoised 64-bit word hashes (words repeat across articles; blake2b does not)."""

    limit = 500_000

    def __missing__(self, word: str) -> int:
        if len(self) >= self.limit:
            self.clear()
        value = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "little")
        self[word] = value
        return value


_WORD_HASHES = _WordHashes()
_MASK64 = (1 << 64) - 1
# Odd multipliers mix the three words of a shingle (arithmetic wraps at 64 bits).
_P1 = np.uint64(0x9E3779B97F4A7C15)
_P2 = np.uint64(0xC2B2AE3D27D4EB4F)


def content_hash(text: str) -> str:
    """SHA-256 of the normalised text: equal texts are the same article, whatever the format."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def simhash(text: str) -> int:
    """64-bit SimHash of word 3-shingles, as a signed integer (fits a BigIntegerField).

    Texts that share most of their wording end up a few bits apart; unrelated texts
    differ in about half of the 64 bits. Deterministic across processes and machines.
    """
    return simhash_tokens(words(text))


def simhash_tokens(tokens: list[str]) -> int:
    """SimHash of a token list; `simhash(text) == simhash_tokens(words(text))`."""
    if not tokens:
        return 0
    hashes = np.fromiter(map(_WORD_HASHES.__getitem__, tokens), dtype=np.uint64, count=len(tokens))
    if len(hashes) >= 3:
        with np.errstate(over="ignore"):
            features = hashes[:-2] * _P1 + hashes[1:-1] * _P2 + hashes[2:]
    else:
        features = hashes
    bits = np.unpackbits(features.view(np.uint8).reshape(-1, 8), axis=1, bitorder="little")
    ones = bits.sum(axis=0, dtype=np.int64)
    # Byte i, bit j of the little-endian view is bit 8*i + j of the integer.
    mask = ones * 2 > len(features)
    value = int(np.packbits(mask, bitorder="little").view("<u8")[0])
    return value - (1 << 64) if value >= 1 << 63 else value


def simhash_bands(value: int) -> tuple[int, int, int, int]:
    """The four 16-bit bands of a SimHash: within distance 3, two texts share one."""
    unsigned = value & _MASK64
    return tuple((unsigned >> (16 * i)) & 0xFFFF for i in range(4))  # type: ignore[return-value]


def hamming(a: int, b: int) -> int:
    return ((a ^ b) & _MASK64).bit_count()
