"""The semantic signal of safeguarding triage: a logistic regression over sentence
embeddings, combined with the verdict of the rules and cue words.

Rules read the shape of a disclosure and miss what nobody wrote a shape for; a sentence
encoder reads meaning ("i dont want to be here anymore"). Each sentence of a message, and
the whole message, is embedded (one encoder call, one batch); the highest-scoring one
stands for the message, so a worrying sentence buried in a long story counts. Its log-odds
and whether the rules referred the message are weighed by a second, three-number logistic
regression, and the message is referred when the result reaches a threshold chosen by
cross-validation for recall (a missed disclosure costs far more than a false alarm).

The coefficients live in knowledge/models/safeguarding/triage.json, written by
scripts/fit_safeguarding.py from tests/data/safeguarding_train.jsonl; the file says how."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from knowledge.encoder import Encoder, load_encoder

MODEL_FILE = Path(__file__).parent / "models" / "safeguarding" / "triage.json"
LOGIT_LIMIT = 15.0  # the sentence model's log-odds are clipped to this before combining
MAX_TEXTS = 16  # sentences embedded per message (plus the whole): bounds the slowest message


@cache
def shared_encoder() -> Encoder:
    """The sentence encoder, loaded once per process on first use."""
    return load_encoder()


def texts_to_embed(parts: Sequence[str], message: str) -> list[str]:
    """The cleaned sentences of a message, and the whole message when it has several."""
    texts = list(parts[:MAX_TEXTS])
    if len(parts) > 1:
        texts.append(" ".join(message.split()))
    return texts


@dataclass(frozen=True)
class TriageModel:
    weights: np.ndarray  # one per embedding dimension
    bias: float
    semantic_weight: float  # stacker: weight of the best sentence's log-odds
    rules_weight: float  # stacker: added when the rules or cue words referred the message
    stack_bias: float
    threshold: float  # refer at this combined log-odds or more

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> TriageModel:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return cls(
            weights=np.asarray(raw["weights"], dtype=np.float32),
            bias=raw["bias"],
            semantic_weight=raw["stacker"]["semantic"],
            rules_weight=raw["stacker"]["rules"],
            stack_bias=raw["stacker"]["bias"],
            threshold=raw["threshold"],
        )

    def sentence_logits(self, vectors: np.ndarray) -> np.ndarray:
        return vectors @ self.weights + self.bias

    def combine(self, best_logit: float, rules_referred: bool) -> float:
        """The message's log-odds of being a disclosure."""
        return (
            self.semantic_weight * float(np.clip(best_logit, -LOGIT_LIMIT, LOGIT_LIMIT))
            + self.rules_weight * float(rules_referred)
            + self.stack_bias
        )


@cache
def shipped_model() -> TriageModel:
    return TriageModel.load()
