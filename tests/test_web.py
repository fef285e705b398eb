"""The staff web console (design.md, "Staff web console"): one-time sign-in links, sessions,
every page for every role (allowed and refused), CSRF, forged references, casework actions
through the same core as the chat (a reply reaches the parent through the outbox), figures,
knowledge gaps that teach the running bot, and staff invitations."""

from __future__ import annotations

import csv
import io
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape
from starlette.testclient import TestClient

from bot.cli import main
from bot.settings import Settings
from bot.web import create_app
from handlers.engine import Engine
from handlers.replies import Person
from knowledge.curated import parse_curated
from storage.audit import audit_of
from storage.cases import case_by_reference
from storage.db import open_database
from storage.questions import log_question, record_feedback
from storage.staff import staff_roles
from tests.conftest import NOW, Chat
from tests.journeys import raise_concern, report_incident, screenshot
from tests.staffing import register
from tests.web_client import Clock, client_for, csrf_of, login_path

REF = "BH-2026-0001"
PAGES = ("/cases", "/report", "/gaps", "/staff", "/export.csv?since=2026-01-01")
# who may open which page beyond /cases (handlers/access.py)
ALLOWED = {
    "headteacher": {"/report", "/gaps", "/staff", "/export.csv?since=2026-01-01"},
    "office": {"/report", "/gaps", "/staff", "/export.csv?since=2026-01-01"},
    "chair_of_governors": {"/report", "/export.csv?since=2026-01-01"},
    "class_teacher:Year 3": set(),
    "dsl": set(),
}
ACTION = dict(zip(PAGES[1:], ("report", "gaps", "staff", "export"), strict=True))


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def engine(knowledge, db, clock) -> Engine:
    return Engine(knowledge, db, clock=clock)


@pytest.fixture
def app(engine, db, clock):
    return create_app(engine.knowledge, db, bot_username="biggin_bot", clock=clock)


def staff(app, engine, role: str):
    """Register `role` through an invitation, then sign them in to the console."""
    return client_for(app, register(engine, role).person.id)


def parent_notices(db) -> list[str]:
    return [
        row["text"]
        for row in db.query(
            "SELECT text FROM outbox WHERE recipient_person IS NOT NULL ORDER BY id"
        )
    ]


# -- signing in -------------------------------------------------------------------------------
def test_cli_link_signs_in_through_a_post_form_and_sets_a_safe_cookie(
    tmp_path, monkeypatch, capsys, knowledge
):
    monkeypatch.setenv("POLICYBOT_DB", str(tmp_path / "web.db"))
    monkeypatch.setenv("POLICYBOT_WEB_URL", "https://console.example.org")
    db = open_database(tmp_path / "web.db")
    head = register(Engine(knowledge, db, clock=lambda: NOW), "headteacher")
    assert main(["web", "link", "--as", "headteacher"]) == 0
    link = capsys.readouterr().out.strip()
    assert re.fullmatch(r"https://console\.example\.org/login/[A-Za-z0-9_-]{40,}", link)
    token = link.rsplit("/", 1)[1]
    assert token not in str(list(db.query("SELECT * FROM web_links")))  # stored hashed

    app = create_app(Settings().load_knowledge(), db)
    client = client_for(app, base_url="https://console.example.org")
    preview = client.get(f"/login/{token}")  # a link preview: shows a form, spends nothing
    assert preview.status_code == 200
    assert f'<form method="post" action="/login/{token}">' in preview.text
    response = client.post(f"/login/{token}")
    assert response.status_code == 303
    assert response.headers["location"] == "/cases"
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Secure" in cookie  # POLICYBOT_WEB_URL is https
    assert client.get("/cases").status_code == 200
    assert [(a.actor, a.action) for a in _audit(db) if a.action == "web-sign-in"] == [
        (head.person.id, "web-sign-in")
    ]


def _audit(db):
    return [
        type("Row", (), row)
        for row in db.query("SELECT actor, action, allowed FROM audit ORDER BY id")
    ]


def test_cli_link_for_an_unknown_or_empty_role_is_one_clear_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("POLICYBOT_DB", str(tmp_path / "web.db"))
    assert main(["web", "link", "--as", "headteacher"]) == 2
    assert "nobody is registered as 'headteacher'" in capsys.readouterr().err
    assert main(["web", "link", "--as", "<script>"]) == 2
    assert "nobody is registered" in capsys.readouterr().err


def test_web_command_in_the_chat_gives_staff_a_link_and_parents_nothing(app, engine, chat):
    head = register(engine, "headteacher")
    head.send("/web")
    link = re.search(r"http://127\.0\.0\.1:8080(/login/\S+)", head.text)
    assert link, head.text
    assert "15 minutes" in head.text
    client = client_for(app)
    assert client.post(link.group(1)).status_code == 303
    chat.send("/web")
    assert "isn't available to you" in chat.text
    assert "/login/" not in chat.text


def test_a_link_works_once(app, engine, db):
    person = register(engine, "headteacher").person.id
    path = login_path(db, person, NOW)
    assert client_for(app).post(path).status_code == 303
    again = client_for(app).post(path)
    assert again.status_code == 400
    assert "expired or was already used" in again.text
    assert "set-cookie" not in again.headers


def test_a_link_expires_after_15_minutes(app, engine, db, clock):
    person = register(engine, "headteacher").person.id
    path = login_path(db, person, NOW)
    clock.advance(minutes=15, seconds=1)
    assert client_for(app).post(path).status_code == 400
    assert client_for(app).post(login_path(db, person, clock())).status_code == 303


def test_forged_link_is_refused(app):
    response = client_for(app).post("/login/not-a-real-token")
    assert response.status_code == 400
    assert "expired or was already used" in response.text


def test_session_ends_when_idle_at_its_limit_and_on_sign_out(app, engine, clock):
    client = staff(app, engine, "headteacher")
    clock.advance(minutes=59)
    assert client.get("/cases").status_code == 200  # activity keeps it alive
    clock.advance(minutes=61)
    assert client.get("/cases").headers["location"] == "/signin"  # idle too long

    client = staff(app, engine, "headteacher")
    for _ in range(13):  # 59 minutes apart: never idle, but over 12 hours in all
        clock.advance(minutes=59)
        client.get("/cases")
    assert client.get("/cases").headers["location"] == "/signin"  # 12 hours at most

    client = staff(app, engine, "headteacher")
    token = csrf_of(client)
    assert client.post("/signout", data={"csrf_token": token}).status_code == 303
    assert client.get("/cases").headers["location"] == "/signin"


def test_revoked_staff_are_signed_out_at_once(app, engine, db):
    client = staff(app, engine, "class_teacher:Year 3")
    head = staff(app, engine, "headteacher")
    response = head.post(
        "/staff/revoke",
        data={"csrf_token": csrf_of(head, "/staff"), "person": "test:class_teacher:Year 3"},
    )
    assert response.status_code == 200
    assert staff_roles(db, "test:class_teacher:Year 3") == []
    assert client.get("/cases").headers["location"] == "/signin"


# -- every page, every role -------------------------------------------------------------------
@pytest.mark.parametrize("path", [*PAGES, "/cases/BH-2026-0001"])
def test_no_session_means_a_redirect_to_sign_in(app, path):
    response = client_for(app).get(path)
    assert response.status_code == 303
    assert response.headers["location"] == "/signin"
    page = client_for(app).get("/signin")
    assert "/web" in page.text


@pytest.mark.parametrize("role", sorted(ALLOWED))
def test_each_page_for_each_role(app, engine, db, chat, role):
    raise_concern(chat)
    client = staff(app, engine, role)
    for path in PAGES:
        response = client.get(path)
        if path == "/cases" or path in ALLOWED[role]:
            assert response.status_code == 200, (role, path)
        else:
            assert response.status_code == 403, (role, path)
            assert "available to your role" in response.text
    refused = {
        row["action"]
        for row in db.query(
            "SELECT action FROM audit WHERE allowed = 0 AND actor_role = ?", [role]
        )
    }
    assert refused == {ACTION[path] for path in PAGES[1:] if path not in ALLOWED[role]}


def test_cases_list_shows_what_each_role_may_see(app, engine, chat, other_parent):
    raise_concern(chat)  # Year 3 class teacher
    raise_concern(other_parent, class_name="Year 4")  # Year 4 class teacher
    year3 = staff(app, engine, "class_teacher:Year 3").get("/cases").text
    assert 'href="/cases/BH-2026-0001"' in year3
    assert "BH-2026-0002" not in year3
    office = staff(app, engine, "office").get("/cases").text
    assert "BH-2026-0001" in office
    assert "BH-2026-0002" in office
    assert 'href="/cases/BH-2026-0001"' not in office  # a reference list only
    assert "reference list only" in office


def test_cases_filters(app, engine, chat, other_parent, clock):
    raise_concern(chat)
    report_incident(other_parent)  # to the headteacher and DSL
    head = staff(app, engine, "headteacher")
    assert "BH-2026-0002" in head.get("/cases?kind=report").text
    assert "BH-2026-0002" not in head.get("/cases?kind=concern").text
    assert "BH-2026-0002" not in head.get("/cases?class=Year+3").text
    assert "BH-2026-0002" not in head.get("/cases?overdue=1").text
    clock.advance(days=14)
    head = staff(app, engine, "headteacher")
    assert "overdue" in head.get("/cases?overdue=1").text
    assert "BH-2026-0002" in head.get("/cases?overdue=1").text
    assert "BH-2026-0002" not in head.get("/cases?status=closed").text


def test_cases_come_a_page_at_a_time(app, engine, monkeypatch, chat, other_parent):
    monkeypatch.setattr("bot.web.PAGE_ROWS", 1)
    raise_concern(chat)
    raise_concern(other_parent)
    teacher = staff(app, engine, "class_teacher:Year 3")
    first = teacher.get("/cases?kind=concern").text
    assert "Page 1 of 2 (2 cases)" in first
    assert 'href="/cases?kind=concern&amp;page=2"' in first
    second = teacher.get("/cases?kind=concern&page=2").text
    assert "BH-2026-0001" in first + second
    assert "BH-2026-0002" in first + second
    assert ("BH-2026-0001" in first) != ("BH-2026-0001" in second)
    assert "Page 2 of 2" in teacher.get("/cases?kind=concern&page=99").text


def test_a_case_the_role_may_not_see_is_a_404_and_audited(app, engine, db, chat):
    raise_concern(chat)
    for role in ("class_teacher:Year 4", "office", "dsl"):
        client = staff(app, engine, role)
        response = client.get(f"/cases/{REF}")
        assert response.status_code == 404, role
        assert "What they told us" not in response.text
        assert "no case with that reference" in response.text
    refused = [(a.actor_role, a.action) for a in audit_of(db, REF) if not a.allowed]
    assert refused == [("class_teacher:Year 4", "view"), ("office", "view"), ("dsl", "view")]


@pytest.mark.parametrize(
    "reference", ["BH-2026-9999", "nonsense", "%3Cscript%3E", "x" * 500, "BH-2026-0001%00"]
)
def test_forged_references_get_a_clear_404(app, engine, chat, reference):
    raise_concern(chat)
    client = staff(app, engine, "class_teacher:Year 3")
    response = client.get(f"/cases/{reference}")
    assert response.status_code == 404
    assert "Traceback" not in response.text
    assert "<script>" not in response.text
    response = client.post(f"/cases/{reference}/acknowledge", data={"csrf_token": csrf_of(client)})
    assert response.status_code == 404


def test_someone_with_two_roles_uses_each(app, engine, db, chat, other_parent):
    register(engine, "dsl", person_id="test:head-and-dsl")
    register(engine, "headteacher", person_id="test:head-and-dsl")
    raise_concern(chat, about="The headteacher", class_name=None)  # about them: never shown
    report_incident(other_parent)  # to the headteacher and the DSL
    client = client_for(app, "test:head-and-dsl")
    page = client.get("/cases").text
    assert "BH-2026-0002" in page
    assert "BH-2026-0001" not in page
    assert "Designated Safeguarding Lead" in page
    assert "Headteacher" in page
    assert client.get("/cases/BH-2026-0001").status_code == 404
    assert client.get("/staff").status_code == 200
    opened = next(db.query("SELECT actor_role FROM audit WHERE action = 'staff'"))
    assert opened["actor_role"] == "headteacher"


def test_headteacher_never_sees_a_case_about_themselves(app, engine, chat):
    raise_concern(chat, about="The headteacher", class_name=None)
    assert staff(app, engine, "headteacher").get(f"/cases/{REF}").status_code == 404
    chair = staff(app, engine, "chair_of_governors")
    assert chair.get(f"/cases/{REF}").status_code == 200


# -- casework ---------------------------------------------------------------------------------
def test_reply_reaches_the_parent_through_the_outbox(app, engine, db, chat):
    raise_concern(chat)
    teacher = staff(app, engine, "class_teacher:Year 3")
    page = teacher.get(f"/cases/{REF}")
    assert "What they told us" in page.text
    response = teacher.post(
        f"/cases/{REF}/reply",
        data={"csrf_token": csrf_of(teacher), "text": "We have spoken to the class."},
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/cases/{REF}?done=reply"
    assert "sent to the parent" in teacher.get(response.headers["location"]).text
    row = next(
        db.query("SELECT * FROM outbox WHERE recipient_person IS NOT NULL ORDER BY id DESC")
    )
    assert row["recipient_person"] == chat.person.id
    assert row["chat_id"] == chat.person.id
    assert "We have spoken to the class." in row["text"]
    assert "Year 3 class teacher" in row["text"]
    assert case_by_reference(db, REF).status == "responded"
    chat.send("/mycases")
    chat.press(REF)
    assert "We have spoken to the class." in chat.text


def test_acknowledge_note_escalate_resolve(app, engine, db, chat):
    raise_concern(chat)
    teacher = staff(app, engine, "class_teacher:Year 3")
    token = csrf_of(teacher)
    assert teacher.post(f"/cases/{REF}/acknowledge", data={"csrf_token": token}).is_redirect
    assert case_by_reference(db, REF).status == "acknowledged"
    teacher.post(f"/cases/{REF}/note", data={"csrf_token": token, "text": "Spoke to the TA."})
    assert "Spoke to the TA." in teacher.get(f"/cases/{REF}").text
    assert not any("Spoke to the TA." in text for text in parent_notices(db))
    response = teacher.post(f"/cases/{REF}/escalate", data={"csrf_token": token})
    assert "Passed to the Headteacher" in teacher.get(response.headers["location"]).text
    assert case_by_reference(db, REF).assignee_role == "headteacher"
    head = staff(app, engine, "headteacher")
    response = head.post(
        f"/cases/{REF}/resolve",
        data={"csrf_token": csrf_of(head), "outcome": "Class rules agreed."},
    )
    assert response.status_code == 303
    assert case_by_reference(db, REF).status == "closed"
    assert "Class rules agreed." in parent_notices(db)[-1]
    closed = head.post(f"/cases/{REF}/acknowledge", data={"csrf_token": csrf_of(head)})
    assert closed.status_code == 409
    actions = {(a.actor_role, a.action) for a in audit_of(db, REF) if a.allowed}
    assert {
        ("class_teacher:Year 3", "ack"),
        ("class_teacher:Year 3", "note"),
        ("class_teacher:Year 3", "escalate"),
        ("headteacher", "resolve"),
    } <= actions


def test_a_post_without_a_valid_csrf_token_is_403_and_changes_nothing(app, engine, db, chat):
    raise_concern(chat)
    teacher = staff(app, engine, "class_teacher:Year 3")
    other = staff(app, engine, "headteacher")
    outbox_before = db["outbox"].count
    for data in (
        {},
        {"csrf_token": ""},
        {"csrf_token": "forged"},
        {"csrf_token": csrf_of(other)},  # another session's token
    ):
        for action in ("acknowledge", "reply", "note", "escalate", "resolve"):
            response = teacher.post(
                f"/cases/{REF}/{action}", data={**data, "text": "x", "outcome": "x"}
            )
            assert response.status_code == 403, (action, data)
    assert case_by_reference(db, REF).status == "open"
    assert db["outbox"].count == outbox_before
    assert db["timeline"].count_where("event != 'submitted'") == 0
    for path, data in (
        ("/staff/invite", {"role": "dsl", "name": "Forged"}),
        ("/gaps", {"decision": "dismissed", "example": "x"}),
        ("/signout", {}),
    ):
        assert other.post(path, data=data).status_code == 403
    assert db["staff_invites"].count_where("name = 'Forged'") == 0
    refusals = db["audit"].count_where("action = 'csrf' AND allowed = 0")
    assert refusals == 23


def test_bad_input_gets_a_clear_page_never_a_traceback(app, engine, db, chat):
    raise_concern(chat)
    teacher = staff(app, engine, "class_teacher:Year 3")
    token = csrf_of(teacher)
    too_long = teacher.post(f"/cases/{REF}/reply", data={"csrf_token": token, "text": "x" * 5000})
    assert too_long.status_code == 400
    assert "too long" in too_long.text
    empty = teacher.post(f"/cases/{REF}/reply", data={"csrf_token": token, "text": "   "})
    assert empty.status_code == 400
    huge = teacher.post(f"/cases/{REF}/note", data={"csrf_token": token, "text": "y" * 100_000})
    assert huge.status_code == 413
    unknown = teacher.post(f"/cases/{REF}/delete", data={"csrf_token": token})
    assert unknown.status_code == 404
    assert teacher.get("/no/such/page").status_code == 404
    assert case_by_reference(db, REF).status == "open"
    assert db["outbox"].count_where("recipient_person IS NOT NULL") == 0


def test_html_a_parent_wrote_is_escaped_and_never_changed(app, engine, db, chat):
    details = '<script>alert("x")</script><img src=x onerror=alert(1)> & more'
    raise_concern(chat, details=details)
    teacher = staff(app, engine, "class_teacher:Year 3")
    page = teacher.get(f"/cases/{REF}").text
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    token = csrf_of(teacher)
    teacher.post(f"/cases/{REF}/acknowledge", data={"csrf_token": token})
    teacher.post(f"/cases/{REF}/reply", data={"csrf_token": token, "text": "<b>hi</b>"})
    assert "<b>hi</b>" not in teacher.get(f"/cases/{REF}").text
    assert case_by_reference(db, REF).details == details


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    text=st.one_of(
        st.text(max_size=200),
        st.text(alphabet=st.characters(categories=["Cc", "Cf", "Zs", "So", "Sm"]), max_size=50),
        st.sampled_from(["<script>x</script>", '"><img src=x>', "{{ 7*7 }}", "a\r\nb"]),
    )
)
def test_any_note_is_kept_as_written_and_shown_escaped(app, engine, db, chat, text):
    if db["submissions"].count == 0:
        raise_concern(chat)
    teacher = staff(app, engine, "class_teacher:Year 3")
    response = teacher.post(
        f"/cases/{REF}/note", data={"csrf_token": csrf_of(teacher), "text": text}
    )
    if not text.strip():
        assert response.status_code == 400
        return
    assert response.status_code == 303
    stored = next(db.query("SELECT text FROM timeline WHERE event = 'note' ORDER BY id DESC"))
    assert stored["text"] == text.strip()
    assert str(escape(text.strip())) in teacher.get(f"/cases/{REF}").text


def test_files_only_for_those_who_may_see_the_case(app, engine, chat):
    report_incident(chat, files=(screenshot(),))
    dsl = staff(app, engine, "dsl")
    page = dsl.get(f"/cases/{REF}").text
    link = re.search(rf'href="(/cases/{REF}/files/\d+)"', page).group(1)
    response = dsl.get(link)
    assert response.status_code == 200
    assert response.content.startswith(b"\x89PNG")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert staff(app, engine, "class_teacher:Year 3").get(link).status_code == 404
    assert client_for(app).get(link).status_code == 303
    assert dsl.get(f"/cases/{REF}/files/99999").status_code == 404


def test_an_unexpected_error_is_a_plain_page_without_a_traceback(app, engine, monkeypatch):
    client = staff(app, engine, "headteacher")

    def broken(db):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("bot.web.all_cases", broken)
    client = TestClient(app, raise_server_exceptions=False, cookies=client.cookies)
    response = client.get("/cases")
    assert response.status_code == 500
    assert "Something went wrong" in response.text
    assert "disk on fire" not in response.text
    assert "Traceback" not in response.text
    assert response.headers["x-frame-options"] == "DENY"


def test_security_headers_on_every_page(app, engine):
    client = staff(app, engine, "headteacher")
    for path in ("/signin", "/cases", "/report", "/nope"):
        headers = client.get(path).headers
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "no-referrer"


# -- figures ----------------------------------------------------------------------------------
def test_report_has_the_figures_and_charts_per_year_and_term(app, engine, chat, other_parent):
    raise_concern(chat)
    report_incident(other_parent)
    head = staff(app, engine, "headteacher")
    page = head.get("/report").text
    assert "<svg" in page
    assert "Cases per month, by kind" in page
    assert "Mar 26: 1 concern" in page
    assert "Time to acknowledge" in page
    assert "School year 2025-26" in page
    year = head.get("/report?period=year-2025").text
    assert "<dd>2</dd>" in year
    older = head.get("/report?period=year-2024")
    assert older.status_code == 404
    assert "term-1" in page
    assert head.get("/report?period=term-1").status_code == 200


def test_export_csv_since_a_date(app, engine, chat):
    raise_concern(chat)
    head = staff(app, engine, "headteacher")
    response = head.get("/export.csv?since=2026-01-01")
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [row["reference"] for row in rows] == [REF]
    assert "audit" in rows[0]
    assert list(csv.DictReader(io.StringIO(head.get("/export.csv?since=2026-04-01").text))) == []
    assert head.get("/export.csv?since=yesterday").status_code == 400


def test_export_keeps_the_audit_of_a_case_about_the_headteacher_from_them(app, engine, chat):
    raise_concern(chat, about="The headteacher", class_name=None)
    chair = staff(app, engine, "chair_of_governors")
    assert chair.get(f"/cases/{REF}").status_code == 200  # the chair opens it: audited
    rows = list(csv.DictReader(io.StringIO(chair.get("/export.csv?since=2026-01-01").text)))
    assert "chair_of_governors" in rows[0]["audit"]
    head = staff(app, engine, "headteacher")
    rows = list(csv.DictReader(io.StringIO(head.get("/export.csv?since=2026-01-01").text)))
    assert [(row["reference"], row["audit"]) for row in rows] == [(REF, "")]


# -- knowledge gaps ---------------------------------------------------------------------------
QUESTION = "who keeps the bhps feed going"


def test_an_accepted_phrasing_teaches_the_running_bot(app, engine, db, knowledge, chat, tmp_path):
    chat.send(QUESTION)
    assert not engine.knowledge.matcher.match(QUESTION).answered
    # `policybot run` in another process: its own connection to the same file
    bot = Chat(Engine(knowledge, open_database(tmp_path / "policybot.db")), chat.person)
    bot.send(QUESTION)
    assert "account" not in bot.text.lower()
    log_question(db, "Who keeps the BHPS feed going?", "decline", None, 0.0)
    head = staff(app, engine, "headteacher")
    page = head.get("/gaps").text
    assert f"3 × “{QUESTION}”" in page
    response = head.post(
        "/gaps",
        data={
            "csrf_token": csrf_of(head, "/gaps"),
            "example": QUESTION,
            "decision": "phrasing",
            "target": "account-access",
            "phrasing": QUESTION,
        },
    )
    assert response.status_code == 303
    assert QUESTION not in head.get("/gaps").text.split("Accepted so far")[0]
    match = engine.knowledge.matcher.match(QUESTION)  # no restart
    entry = next(e for e in knowledge.curated.entries if e.id == "account-access")
    bot.send(QUESTION)
    assert entry.answer in bot.text
    assert match.answered
    assert match.entry.id == "account-access"
    assert match.entry.answer == entry.answer  # the answer itself is unchanged
    assert ("headteacher", "gap-phrasing", "account-access") in {
        (r["actor_role"], r["action"], r["detail"]) for r in db.query("SELECT * FROM audit")
    }
    exported = head.get("/gaps/answers.toml").text
    curated = parse_curated(exported, knowledge.policy)
    assert QUESTION in next(e for e in curated.entries if e.id == "account-access").questions
    assert "# Curated answers" in exported  # comments kept


def test_out_of_scope_with_a_pointer_and_dismiss(app, engine, db, knowledge, chat):
    log_question(db, "is there a school tuck shop", "decline", None, 0.0)
    record_feedback(
        db, log_question(db, "can I bring my dog to sports day", "answer", "6", 0.5), False
    )
    head = staff(app, engine, "office")
    token = csrf_of(head, "/gaps")
    head.post(
        "/gaps",
        data={
            "csrf_token": token,
            "example": "is there a school tuck shop",
            "decision": "out_of_scope",
            "pointer": "The PTA runs a tuck shop on Fridays.",
        },
    )
    chat.send("is there a school tuck shop")
    assert "The PTA runs a tuck shop on Fridays." in chat.text
    head.post(
        "/gaps",
        data={
            "csrf_token": token,
            "example": "can I bring my dog to sports day",
            "decision": "dismissed",
        },
    )
    page = head.get("/gaps").text
    assert "No open gaps" in page
    exported = head.get("/gaps/answers.toml").text
    topics = parse_curated(exported, knowledge.policy).out_of_scope
    assert any(t.pointer == "The PTA runs a tuck shop on Fridays." for t in topics)
    assert "can I bring my dog to sports day" not in exported


def test_gap_decisions_that_cannot_be_taken_get_a_clear_page(app, engine, db):
    log_question(db, "is there a school uniform shop", "decline", None, 0.0)
    head = staff(app, engine, "headteacher")
    token = csrf_of(head, "/gaps")
    for data, message in (
        ({"example": "never asked", "decision": "dismissed"}, "no longer waiting"),
        ({"example": "is there a school uniform shop", "decision": "phrasing"}, "Choose"),
        (
            {"example": "is there a school uniform shop", "decision": "phrasing", "target": "x"},
            "Choose",
        ),
        ({"example": "is there a school uniform shop", "decision": "out_of_scope"}, "Choose"),
        ({"example": "is there a school uniform shop", "decision": "delete"}, "Unknown"),
    ):
        response = head.post("/gaps", data={"csrf_token": token, **data})
        assert response.status_code == 400, data
        assert message in response.text
    assert db["gap_decisions"].count == 0
    teacher = staff(app, engine, "class_teacher:Year 3")
    response = teacher.post(
        "/gaps",
        data={
            "csrf_token": csrf_of(teacher),
            "example": "is there a school uniform shop",
            "decision": "dismissed",
        },
    )
    assert response.status_code == 403
    assert db["gap_decisions"].count == 0


def test_gap_questions_are_escaped_and_a_multiline_one_can_be_decided(app, engine, db):
    question = '<script>alert("x")</script>\nuniform shop?'
    log_question(db, question, "decline", None, 0.0)
    head = staff(app, engine, "headteacher")
    page = head.get("/gaps").text
    assert "<script>alert" not in page
    assert "&lt;script&gt;" in page
    response = head.post(
        "/gaps",
        data={
            "csrf_token": csrf_of(head, "/gaps"),
            "example": question.replace("\n", "\r\n"),  # as a browser sends it
            "decision": "dismissed",
        },
    )
    assert response.status_code == 303
    assert "No open gaps" in head.get("/gaps").text


def test_gaps_export_cli(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("POLICYBOT_DB", str(tmp_path / "web.db"))
    assert main(["gaps", "export"]) == 0
    assert "[[entry]]" in capsys.readouterr().out


# -- staff ------------------------------------------------------------------------------------
def test_invite_shows_link_and_qr_and_lists_pending_then_registered(app, engine, db, knowledge):
    head = staff(app, engine, "headteacher")
    response = head.post(
        "/staff/invite",
        data={
            "csrf_token": csrf_of(head, "/staff"),
            "role": "class_teacher",
            "class": "Year 5",
            "name": "Ms <b>Bold</b>",
        },
    )
    assert response.status_code == 200
    code = re.search(r"https://t\.me/biggin_bot\?start=([0-9a-f]+)", response.text).group(1)
    assert "<svg" in response.text.split("Invite someone")[0]
    assert "Ms &lt;b&gt;Bold&lt;/b&gt;" in response.text
    assert "Year 5 class teacher" in head.get("/staff").text.split("Invited, not yet")[1]
    teacher = Chat(engine, Person(id="test:new-teacher"))
    teacher.send(f"/start {code}")
    assert staff_roles(db, "test:new-teacher") == ["class_teacher:Year 5"]
    page = head.get("/staff").text
    assert "test:new-teacher" in page.split("Invited, not yet")[0]
    assert ("headteacher", "staff-invite") in {
        (r["actor_role"], r["action"]) for r in db.query("SELECT * FROM audit")
    }


def test_invite_with_a_bad_role_or_class_is_a_clear_page(app, engine, db):
    office = staff(app, engine, "office")
    token = csrf_of(office, "/staff")
    for data in (
        {"role": "janitor", "name": "X"},
        {"role": "class_teacher", "class": "Year 9", "name": "X"},
        {"role": "dsl", "name": ""},
        {"role": "dsl", "name": "n" * 200},
    ):
        response = office.post("/staff/invite", data={"csrf_token": token, **data})
        assert response.status_code == 400, data
        assert "Traceback" not in response.text
    assert db["staff_invites"].count_where("role != 'office'") == 0
