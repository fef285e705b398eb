"""The semantic layer: every curated phrasing, out-of-scope phrasing and policy passage
embedded once, and a message scored against each by cosine similarity. It sits beside the
lexical index so that wording nobody wrote down ("can i put foto of my grandaughter on
facebok") still lands near the phrasings that mean the same."""

from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Hashable, Sequence
from pathlib import Path
from typing import Generic, TypeVar

import numpy as np

from knowledge.encoder import Encoder

CACHE_ENV = "POLICYBOT_CACHE_DIR"


def cache_dir() -> Path:
    """Where embeddings are kept between runs: POLICYBOT_CACHE_DIR, else ~/.cache/policybot."""
    return Path(os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "policybot")


def cached_vectors(encoder: Encoder, texts: list[str]) -> np.ndarray:
    """The texts' embeddings, each computed once: the cache (one file per encoder, named
    by a hash of its weights) maps a hash of each text to its vector, so an edited answers
    file or a phrasing accepted from the gaps embeds only what is new. An unreadable or
    unwritable cache only costs the time to embed."""
    path = cache_dir() / f"{encoder.fingerprint[:32]}.npz"
    keys = [hashlib.sha256(text.encode("utf-8")).hexdigest() for text in texts]
    known: dict[str, np.ndarray] = {}
    try:
        with np.load(path) as stored:
            known = dict(zip(stored["keys"].tolist(), stored["vectors"], strict=True))
    except (OSError, ValueError, KeyError):
        pass
    missing = [i for i, key in enumerate(keys) if key not in known]
    if missing:
        fresh = encoder.encode([texts[i] for i in missing])
        known.update((keys[i], vector) for i, vector in zip(missing, fresh, strict=True))
        _save(path, known)
    if not texts:
        return np.zeros((0, 1), dtype=np.float32)
    return np.stack([known[key] for key in keys]).astype(np.float32)


def _save(path: Path, vectors: dict[str, np.ndarray]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f"{path.stem}.{os.getpid()}.tmp.npz")
        np.savez(temporary, keys=np.array(list(vectors)), vectors=np.stack(list(vectors.values())))
        temporary.replace(path)
    except OSError:
        pass


Key = TypeVar("Key", bound=Hashable)
RECENT_QUERIES = 256  # messages whose embedding is kept for a second look


class SemanticIndex(Generic[Key]):
    """Texts grouped by owner (an entry, a topic, a passage), embedded once (and cached on
    disk); `similarities` gives each owner's best cosine with a message."""

    def __init__(self, encoder: Encoder, items: Sequence[tuple[Key, str]]) -> None:
        self.encoder = encoder
        owners: dict[Key, list[str]] = {}
        for owner, text in items:
            owners.setdefault(owner, []).append(text)
        self.owners = list(owners)
        texts = [text for group in owners.values() for text in group]
        self._starts = np.cumsum([0, *(len(g) for g in owners.values())])[:-1]
        self._vectors = cached_vectors(encoder, texts)
        # One message is matched for the asker's audience and for the other one: encode once.
        self._embed = functools.lru_cache(maxsize=RECENT_QUERIES)(self._embed_one)

    def _embed_one(self, text: str) -> np.ndarray:
        return self.encoder.encode([text])[0]

    def similarities(self, text: str) -> dict[Key, float]:
        if not self.owners:
            return {}
        query = self._embed(text)
        best = np.maximum.reduceat(self._vectors @ query, self._starts)
        return dict(zip(self.owners, best.tolist(), strict=True))
