"""Content hash (exact re-imports) and SimHash (near-duplicates, the same story republished)."""

from __future__ import annotations

import hashlib

import numpy as np

from annotate.importers.text import words


class _WordHashes(dict[str, bytes]):
    """Memoised 64-bit word hashes as 8 little-endian bytes (words repeat across articles;
    blake2b does not). Bytes join into one buffer that numpy reads without converting."""

    limit = 500_000

    def __missing__(self, word: str) -> bytes:
        if len(self) >= self.limit:
            self.clear()
        value = hashlib.blake2b(word.encode(), digest_size=8).digest()
        self[word] = value
        return value


_WORD_HASHES = _WordHashes()
_MASK64 = (1 << 64) - 1
# Odd multipliers mix the three words of a shingle (arithmetic wraps at 64 bits).
_P1 = np.uint64(0x9E3779B97F4A7C15)
_P2 = np.uint64(0xC2B2AE3D27D4EB4F)


def content_hash(text: str) -> str:
    """SHA-256 of the normalised text: equal texts are the same article, whatever the format."""
    return content_hash_utf8(text.encode("utf-8"))


def content_hash_utf8(text_utf8: bytes) -> str:
    """`content_hash` of the text whose UTF-8 this is (for a caller that encoded it anyway)."""
    return hashlib.sha256(text_utf8).hexdigest()


def simhash(text: str) -> int:
    """64-bit SimHash of word 3-shingles, as a signed integer (fits a BigIntegerField).

    Texts that share most of their wording end up a few bits apart; unrelated texts
    differ in about half of the 64 bits. Deterministic across processes and machines.
    """
    return simhash_tokens(words(text))


def simhash_tokens(tokens: list[str]) -> int:
    """SimHash of a token list; `simhash(text) == simhash_tokens(words(text))`."""
    return simhash_of_hashes(token_hashes(tokens))


def token_hashes(tokens: list[str]) -> np.ndarray:
    """The 64-bit hash of each token (uint64), the same in every process and on every run."""
    # One C-level pass: every token's 8 hash bytes, joined and read as uint64.
    return np.frombuffer(b"".join(map(_WORD_HASHES.__getitem__, tokens)), dtype="<u8")


def simhash_of_hashes(hashes: np.ndarray) -> int:
    """SimHash of the tokens whose `token_hashes` these are."""
    if not len(hashes):
        return 0
    # Array arithmetic wraps at 64 bits without a warning (numpy warns on scalars only).
    features = hashes[:-2] * _P1 + hashes[1:-1] * _P2 + hashes[2:] if len(hashes) >= 3 else hashes
    ones = _bit_counts(features)
    # Byte i, bit j of the little-endian view is bit 8*i + j of the integer.
    mask = ones * 2 > len(features)
    value = int(np.packbits(mask, bitorder="little").view("<u8")[0])
    return value - (1 << 64) if value >= 1 << 63 else value


# Rows of 0/1 bytes summed as uint64 lanes: each byte lane holds at most this many ones.
_LANE_ROWS = 255


def _bit_counts(features: np.ndarray) -> np.ndarray:
    """How many of `features` have each of the 64 bits set (index 8*i + j: byte i, bit j).

    The unpacked bits, one byte each, are added eight at a time as uint64 words (a byte
    lane cannot carry into the next within 255 rows): 8x fewer additions than per byte.
    """
    bits = np.unpackbits(features.view(np.uint8), bitorder="little").view("<u8").reshape(-1, 8)
    if len(bits) <= _LANE_ROWS:
        return np.add.reduce(bits, axis=0).view(np.uint8).astype(np.int64)
    total = np.zeros(64, dtype=np.int64)
    for start in range(0, len(bits), _LANE_ROWS):
        total += np.add.reduce(bits[start : start + _LANE_ROWS], axis=0).view(np.uint8)
    return total


def simhash_bands(value: int) -> tuple[int, int, int, int]:
    """The four 16-bit bands of a SimHash: within distance 3, two texts share one."""
    unsigned = value & _MASK64
    return (unsigned & 0xFFFF, (unsigned >> 16) & 0xFFFF, (unsigned >> 32) & 0xFFFF, unsigned >> 48)


def hamming(a: int, b: int) -> int:
    return ((a ^ b) & _MASK64).bit_count()
