"""The fitted decision, the semantic layer and the evaluation's measures: a fitted file for
every encoder, embeddings cached by content, and an evaluation that counts a confident
wrong answer as the worst outcome and a "did you mean" holding the answer as one tap."""

from __future__ import annotations

import json

import numpy as np
import pytest

from knowledge.decision import DECISION_FILE, FEATURES, Logistic, Signals, load_decision
from knowledge.evaluation import Prediction, Question, score
from knowledge.semantic import SemanticIndex, cached_vectors


class CountingEncoder:
    """A stand-in encoder: a vector from the text's letters, counting calls."""

    name = "counting"
    fingerprint = "counting-v1"

    def __init__(self) -> None:
        self.calls = 0

    def encode(self, texts):
        self.calls += 1
        rows = np.array([[t.count(c) + 0.1 for c in "aeiost"] for t in texts], dtype=np.float32)
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_decision_file_says_how_it_was_fitted_for_each_encoder():
    data = json.loads(DECISION_FILE.read_text())
    assert "scripts/fit_decision.py" in data["produced_by"]
    assert {"lexical", "onnx:minilm-int8"} <= set(data["fitted"])
    for fitted in data["fitted"].values():
        assert 0 <= fitted["decline_below"] <= 1
        assert 0 <= fitted["answer_at"] <= 1
        assert fitted["cross_validated"]["rows"] > 0


def test_unknown_encoder_has_no_decision():
    with pytest.raises(KeyError, match="no decision fitted"):
        load_decision("onnx:never-built")


def test_logistic_is_monotone_in_a_positive_feature():
    model = Logistic(FEATURES, (0.0,) * 7, (1.0,) * 7, (2.0,) + (0.0,) * 6, 0.0)
    low, high = ({**dict.fromkeys(FEATURES, 0.0), "top": v} for v in (-1.0, 1.0))
    assert model.probability(low) < 0.5 < model.probability(high)


def test_near_tie_lowers_the_margin_feature():
    tie, clear = Signals(), Signals()
    for signals, second in ((tie, 0.69), (clear, 0.2)):
        signals.consider("6", None, 1.0, 0.7, 0.7, 0.7)
        signals.consider("4", None, 1.0, second, second, second)
    assert tie.features()["margin"] < clear.features()["margin"]


def test_embeddings_are_cached_by_content(tmp_path, monkeypatch):
    monkeypatch.setenv("POLICYBOT_CACHE_DIR", str(tmp_path))
    encoder = CountingEncoder()
    first = cached_vectors(encoder, ["one", "two"])
    again = cached_vectors(encoder, ["one", "two"])
    changed = cached_vectors(encoder, ["one", "three"])
    assert encoder.calls == 2  # the same texts are read back; only "three" is embedded
    assert np.allclose(first, again)
    assert np.allclose(changed[0], first[0])
    assert changed.shape == (2, 6)


def test_an_unwritable_cache_only_costs_time(tmp_path, monkeypatch):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("POLICYBOT_CACHE_DIR", str(blocked))
    assert cached_vectors(CountingEncoder(), ["one"]).shape == (1, 6)


def test_semantic_index_gives_each_owner_its_best_phrasing(tmp_path, monkeypatch):
    monkeypatch.setenv("POLICYBOT_CACHE_DIR", str(tmp_path))
    index = SemanticIndex(CountingEncoder(), [("a", "sissies"), ("a", "oat"), ("b", "tattoo")])
    similarities = index.similarities("sissies")
    assert similarities["a"] == pytest.approx(1.0)
    assert similarities["b"] < similarities["a"]


def _q(qid: str, sections: tuple[str, ...], action: str | None = None) -> Question:
    return Question(qid, qid, sections, "parent", action, has_action=True)


def test_evaluation_measures():
    questions = [
        _q("right", ("6",)),
        _q("tap", ("4",)),
        _q("wrong", ("7",), "report"),
        _q("oos-declined", ()),
        _q("oos-answered", ()),
    ]
    said = {
        "right": Prediction("answer", ("6",), 0.95),
        "tap": Prediction("clarify", ("6", "4"), 0.5),
        "wrong": Prediction("answer", ("3",), 0.85, "report"),
        "oos-declined": Prediction("decline"),
        "oos-answered": Prediction("answer", ("5",), 0.95),
    }
    result = score("test", lambda q: said[q.id], questions)
    summary = result.summary()
    assert summary["top1_in_scope"] == round(1 / 3, 3)
    assert summary["out_of_scope_declined"] == 0.5
    assert summary["confident_wrong"] == 0.4  # wrong + oos-answered, of all five
    assert summary["right_within_one_tap"] == 0.6  # right, tap, oos-declined
    assert summary["action_right"] == 1.0
    table = {bucket: (n, share) for bucket, n, share in result.reliability_table()}
    assert table["0.9-1.0"] == (2, 0.5)
    assert table["0.8-0.9"] == (1, 0.0)
