"""Sentence encoders for the semantic layer: text in, unit-length vectors out, on the CPU,
offline. Two kinds, both built by scripts/build_encoders.py from all-MiniLM-L6-v2 and
compared side by side by `make bench`:

- "static": a model2vec model (one vector per token, averaged): microseconds per question,
  no start-up cost, read by the model2vec library;
- "onnx": the transformer itself, int8-quantised, run by onnxruntime with the tokenizers
  library: better at word order, a few milliseconds per question.

The shipped encoder is the ONNX one, chosen by `make bench` (quality on held-out
questions first; both meet the speed targets). It lives in knowledge/models/, whose
README gives its licence, source and SHA-256; candidates built beside it for comparison go
in benchmarks/encoders/ (not committed)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

MODELS_DIR = Path(__file__).parent / "models"
DEFAULT_ENCODER = MODELS_DIR / "minilm-int8"
MAX_TOKENS = 128  # longer messages are judged on their start, as people put the point first
DIMENSIONS = 384  # all-MiniLM-L6-v2's sentence vectors


class Encoder(Protocol):
    name: str
    fingerprint: str  # changes whenever the weights do: part of the embedding cache key

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One L2-normalised float32 row per text."""
        ...


def _unit(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-9)


class StaticEncoder:
    """A model2vec static model: token vectors looked up and averaged."""

    def __init__(self, folder: Path) -> None:
        from model2vec import StaticModel

        self.name = f"static:{folder.name}"
        self.fingerprint = _digest(folder / "model.safetensors")
        self._model = StaticModel.from_pretrained(str(folder))

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self._model.dim), dtype=np.float32)
        return _unit(
            self._model.encode(list(texts), max_length=MAX_TOKENS, use_multiprocessing=False)
        )


class OnnxEncoder:
    """A transformer with pooling in its graph, run by onnxruntime on one thread that
    sleeps rather than spins when idle: measured on the shared two-core machine, a second
    thread or spinning made the slowest answers slower, not faster."""

    def __init__(self, folder: Path, threads: int = 1) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        self.name = f"onnx:{folder.name}"
        self.fingerprint = _digest(folder / "model.onnx")
        self._tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self._tokenizer.enable_truncation(MAX_TOKENS)
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = onnxruntime.InferenceSession(
            str(folder / "model.onnx"), options, providers=["CPUExecutionProvider"]
        )

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One text per run: int8 dynamic quantisation scales activations by the whole
        batch, so batching would make a text's vector depend on its neighbours."""
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        for i, text in enumerate(texts):
            encoded = self._tokenizer.encode(text)
            feed = {
                "input_ids": np.array([encoded.ids], dtype=np.int64),
                "attention_mask": np.array([encoded.attention_mask], dtype=np.int64),
                "token_type_ids": np.array([encoded.type_ids], dtype=np.int64),
            }
            out[i] = self._session.run(None, feed)[0][0]
        return _unit(out)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_encoder(folder: Path = DEFAULT_ENCODER) -> Encoder:
    """The encoder in `folder`: an ONNX model if it holds model.onnx, else a static one."""
    if (folder / "model.onnx").is_file():
        return OnnxEncoder(folder)
    return StaticEncoder(folder)
