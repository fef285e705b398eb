"""Knowledge gaps: declined and 👎 questions grouped by similarity, most frequent first,
for `policybot gaps` and for the headteacher and office in the chat."""

from __future__ import annotations

from bot.cli import main
from handlers.gaps import cluster
from storage.db import open_database
from storage.questions import log_question, record_feedback
from tests.staffing import register


def test_similar_questions_cluster_most_frequent_first():
    gaps = cluster(
        [
            "What time does school start?",
            "when does school start",
            "Can I park on the zigzags?",
            "what time does the school start?",
        ]
    )
    assert [(g.count, g.example) for g in gaps] == [
        (3, "What time does school start?"),
        (1, "Can I park on the zigzags?"),
    ]


def test_cli_and_chat_show_declined_and_thumbs_down(tmp_path, monkeypatch, capsys, engine, db):
    for text in ("What is the lunch menu?", "what's on the lunch menu", "Uniform rules?"):
        log_question(db, text, "decline", None, 0.1)
    record_feedback(db, log_question(db, "Can I post photos?", "answer", "6", 0.9), helpful=False)
    log_question(db, "Can I film the nativity?", "answer", "5", 0.9)
    head = register(engine, "headteacher")
    head.send("/gaps")
    assert '2 × "What is the lunch menu?"' in head.text
    assert "Can I post photos?" in head.text
    assert "nativity" not in head.text
    teacher = register(engine, "class_teacher:Year 3")
    teacher.send("/gaps")
    assert "isn't available to you" in teacher.text
    monkeypatch.setenv("POLICYBOT_DB", str(tmp_path / "cli.db"))
    open_database(tmp_path / "cli.db")
    assert main(["gaps"]) == 0
    assert "No knowledge gaps" in capsys.readouterr().out
