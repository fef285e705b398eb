"""The semantic layer: every curated phrasing, out-of-scope phrasing and policy passage
embedded once, and a message scored against each by cosine similarity. It sits beside the
lexical index so that wording nobody wrote down ("can i put foto of my grandaughter on
facebok") still lands near the phrasings that mean the same."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Hashable, Sequence
from pathlib import Path

import numpy as np

from knowledge.encoder import Encoder

CACHE_ENV = "POLICYBOT_CACHE_DIR"


def cache_dir() -> Path:
    """Where embeddings are kept between runs: POLICYBOT_CACHE_DIR, else ~/.cache/policybot."""
    return Path(os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "policybot")


def cached_vectors(encoder: Encoder, texts: list[str]) -> np.ndarray:
    """The texts' embeddings, computed once per content: the key is a hash of the encoder's
    weights and every text, so an edited answers file or a new model is embedded afresh.
    An unwritable cache only costs the time to embed."""
    key = hashlib.sha256(encoder.fingerprint.encode())
    for text in texts:
        key.update(text.encode("utf-8") + b"\0")
    path = cache_dir() / f"{key.hexdigest()}.npy"
    try:
        return np.load(path)
    except (OSError, ValueError):
        pass
    vectors = encoder.encode(texts)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp.npy")
        np.save(temporary, vectors)
        temporary.replace(path)
    except OSError:
        pass
    return vectors


class SemanticIndex:
    """Texts grouped by owner (an entry, a topic, a passage), embedded once (and cached on
    disk); `similarities` gives each owner's best cosine with a message."""

    def __init__(self, encoder: Encoder, items: Sequence[tuple[Hashable, str]]) -> None:
        self.encoder = encoder
        owners: dict[Hashable, list[str]] = {}
        for owner, text in items:
            owners.setdefault(owner, []).append(text)
        self.owners = list(owners)
        texts = [text for group in owners.values() for text in group]
        self._starts = np.cumsum([0, *(len(g) for g in owners.values())])[:-1]
        self._vectors = cached_vectors(encoder, texts)

    def similarities(self, text: str) -> dict[Hashable, float]:
        if not self.owners:
            return {}
        query = self.encoder.encode([text])[0]
        best = np.maximum.reduceat(self._vectors @ query, self._starts)
        return dict(zip(self.owners, best.tolist(), strict=True))
