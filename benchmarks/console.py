"""How the staff web console's pages grow with the case count, run on demand
(`make bench-console`), never as timed assertions in tests: server-side latency of /cases,
one case, /report and /export.csv in-process (Starlette's TestClient, no network), at 100,
1,000 and 5,000 cases with their timelines and audit trails. Prints a table and writes
benchmarks/console-results.json."""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from starlette.testclient import TestClient  # noqa: E402

from bot.web import create_app  # noqa: E402
from handlers.web_sign_in import sign_in_link  # noqa: E402
from knowledge.school import load_knowledge  # noqa: E402
from storage.audit import record_audit  # noqa: E402
from storage.cases import CaseDraft, acknowledge_case, case_by_reference, record_submission  # noqa: E402
from storage.db import open_database  # noqa: E402
from storage.staff import create_invite, redeem_invite  # noqa: E402

SCALES = (100, 1000, 5000)
REPEAT = 30
NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
PAGES = ("/cases", "/cases/BH-2026-0001", "/report", "/export.csv?since=2025-09-01")


def seed(db, count: int) -> None:
    """`count` concerns for the Year 3 class teacher over the last year, half acknowledged,
    each viewed once (an audit row)."""
    for n in range(count):
        at = NOW - timedelta(hours=n * 365 * 24 / count)
        case, _ = record_submission(
            db,
            CaseDraft(
                kind="concern",
                route="class_teacher:Year 3",
                assignee_role="class_teacher:Year 3",
                class_name="Year 3",
                details="The class WhatsApp group has become unkind.",
                acknowledge_by=(at + timedelta(days=7)).date().isoformat(),
                respond_by=(at + timedelta(days=21)).date().isoformat(),
            ),
            draft_id=f"draft-{n}",
            person_id=f"bench:parent-{n}",
            person_role="parent",
            person_name=None,
            reference_prefix="BH",
            year=at.year,
            now=at,
            notices=lambda case: [],
        )
        if n % 2:
            acknowledge_case(db, case, "class_teacher:Year 3", [], at + timedelta(days=2))
        record_audit(
            db,
            actor="bench:teacher",
            actor_role="class_teacher:Year 3",
            action="view",
            reference=case.reference,
            allowed=True,
            now=at,
        )


def measure(count: int) -> dict[str, float]:
    knowledge = load_knowledge()
    with tempfile.TemporaryDirectory() as folder:
        db = open_database(Path(folder) / "bench.db")
        seed(db, count)
        create_invite(db, "bench", "class_teacher:Year 3", "Bench", NOW, NOW + timedelta(days=1))
        redeem_invite(db, "bench", "bench:teacher", NOW)
        create_invite(db, "bench-head", "headteacher", "Head", NOW, NOW + timedelta(days=1))
        redeem_invite(db, "bench-head", "bench:head", NOW)
        assert case_by_reference(db, "BH-2026-0001") is not None
        app = create_app(knowledge, db, clock=lambda: NOW)
        results = {}
        for path in PAGES:
            who = "bench:teacher" if path.startswith("/cases") else "bench:head"
            client = TestClient(app, follow_redirects=False)
            link = sign_in_link(db, who, "http://testserver", NOW).split("testserver")[1]
            client.post(link)
            samples = []
            for _ in range(REPEAT):
                start = time.perf_counter()
                response = client.get(path)
                samples.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, (path, response.status_code)
            results[path] = round(statistics.median(samples), 1)
        return results


def main() -> None:
    rows = {count: measure(count) for count in SCALES}
    print("median ms per request (in-process, 30 requests each)")
    print("cases  " + "  ".join(f"{p:>28}" for p in PAGES))
    for count, results in rows.items():
        print(f"{count:>5}  " + "  ".join(f"{results[p]:>28}" for p in PAGES))
    out = ROOT / "benchmarks" / "console-results.json"
    out.write_text(json.dumps({"median_ms": rows, "repeat": REPEAT}, indent=2) + "\n")


if __name__ == "__main__":
    main()
