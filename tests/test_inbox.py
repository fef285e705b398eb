"""The staff inbox through the core: each role sees and acts on only the cases routed to
it (never one about themselves), every action and view is audited, forged references and
button data are refused politely, and parents hear from the school, never a named person."""

from __future__ import annotations

from datetime import timedelta

import pytest

from handlers.engine import Engine
from storage.audit import audit_of
from storage.cases import case_by_reference, timeline_of
from tests.conftest import NOW
from tests.journeys import DETAILS, raise_concern, report_incident
from tests.staffing import register

REF = "BH-2026-0001"
ACTIONS = ("sc", "sack", "srep", "snote", "sesc", "sres")


def parent_notices(db) -> list[str]:
    return [
        row["text"]
        for row in db.query(
            "SELECT text FROM outbox WHERE recipient_person IS NOT NULL ORDER BY id"
        )
    ]


def refused_everything(staff, db, reference: str = REF) -> None:
    """Every action on `reference`, by forged button, is refused and audited as refused."""
    before = len(audit_of(db, reference))
    for action in ACTIONS:
        staff.send(button=f"1:{action}:{reference}")
        assert "isn't available to you" in staff.text, action
        assert "What they told us" not in staff.text
    refusals = [a for a in audit_of(db, reference)[before:] if not a.allowed]
    assert len(refusals) == len(ACTIONS)


def test_class_teacher_inbox_card_and_acknowledge(engine, chat, db):
    teacher = register(engine, "class_teacher:Year 3")
    raise_concern(chat)
    teacher.send("/inbox")
    assert f"{REF} — concern, Year 3" in teacher.text
    assert f'"{DETAILS}"' in teacher.text
    assert "raised today; waiting to be acknowledged; acknowledge by Monday 9 March" in (
        teacher.text
    )
    teacher.press(REF)
    assert "What they told us" in teacher.text
    assert "Child: Tom Smith" in teacher.text
    assert "From: Sam Smith; reply by chat" in teacher.text
    assert "class_teacher:Year 3: submitted" not in teacher.text  # the parent submitted it
    assert "parent: submitted" in teacher.text
    assert "audit:" not in teacher.text  # kept in the audit trail, not in the timeline
    assert audit_of(db, REF)[-1].action == "view"
    assert teacher.labels[:5] == [
        "Acknowledge",
        "Reply to parent",
        "Add internal note",
        "Escalate",
        "Resolve",
    ]
    teacher.press("Acknowledge")
    assert "Acknowledged; the parent has been told" in teacher.text
    case = case_by_reference(db, REF)
    assert case.status == "acknowledged"
    assert case.acknowledged_at
    assert parent_notices(db)[-1].startswith(
        f"Biggin Hill Primary School (Year 3 class teacher) has acknowledged {REF}"
    )
    assert "Staffname" not in "".join(parent_notices(db))


def test_reply_reaches_parent_and_parent_answer_reaches_assignee(engine, chat, db):
    teacher = register(engine, "class_teacher:Year 3")
    raise_concern(chat)
    teacher.send(button=f"1:srep:{REF}")
    teacher.send("We have spoken to the class, and a child may be at risk is not the point.")
    assert "Reply recorded and sent to the parent" in teacher.text
    assert "replied about BH-2026-0001" in parent_notices(db)[-1]
    assert case_by_reference(db, REF).kind == "concern"  # no safeguarding diversion
    chat.send("/mycases")
    chat.press(REF)
    assert "Reply from the Year 3 class teacher" in chat.text
    chat.press("Add more information")
    chat.send("It happened again.")
    last = next(db.query("SELECT recipient_role, text FROM outbox ORDER BY id DESC"))
    assert last["recipient_role"] == "class_teacher:Year 3"


def test_internal_note_is_not_shown_to_the_parent(engine, chat, db):
    teacher = register(engine, "class_teacher:Year 3")
    raise_concern(chat)
    teacher.send(button=f"1:snote:{REF}")
    teacher.send("Spoke to the TA; keep an eye on it.")
    assert "Note added" in teacher.text
    assert "keep an eye on it" in teacher.text
    chat.send("/mycases")
    chat.press(REF)
    assert "keep an eye on it" not in chat.text


def test_escalate_goes_up_and_resolve_asks_for_an_outcome(engine, chat, db):
    teacher = register(engine, "class_teacher:Year 3")
    head = register(engine, "headteacher")
    raise_concern(chat)
    teacher.send(button=f"1:sesc:{REF}")
    assert "Pass BH-2026-0001 to the Headteacher?" in teacher.text  # nothing changes yet
    assert case_by_reference(db, REF).assignee_role == "class_teacher:Year 3"
    teacher.press("Yes, pass it to the Headteacher")
    assert "Passed to the Headteacher, who will acknowledge it by" in teacher.text
    assert case_by_reference(db, REF).assignee_role == "headteacher"
    assert teacher.labels == ["Add internal note", "Inbox"]  # sight of it, no more actions
    teacher.send("/inbox")
    assert REF not in teacher.text
    teacher.send(button=f"1:sres:{REF}")  # a forged or old Resolve is refused politely
    assert "You passed BH-2026-0001 up" in teacher.text
    head.send("/inbox")
    head.press(REF)
    head.press("Resolve")
    assert "Type the outcome" in head.text
    head.send("Met the parent; group rules agreed with the class.")
    assert "Resolved; the parent has been told the outcome" in head.text
    assert case_by_reference(db, REF).status == "closed"
    assert "Headteacher) has resolved" in parent_notices(db)[-1]
    refused_before = len([a for a in audit_of(db, REF) if not a.allowed])
    head.send(button=f"1:sack:{REF}")
    assert "closed" in head.text
    assert len([a for a in audit_of(db, REF) if not a.allowed]) == refused_before + 1


def test_headteacher_never_sees_a_case_about_themselves(engine, chat, db):
    head = register(engine, "headteacher")
    chair = register(engine, "chair_of_governors")
    raise_concern(chat, about="The headteacher", class_name=None)
    head.send("/inbox")
    assert REF not in head.text
    refused_everything(head, db)
    chair.send("/inbox")
    chair.press(REF)
    chair.press("Escalate")
    chair.press("Yes, pass it")
    case = case_by_reference(db, REF)
    assert case.assignee_role == "vice_chair"
    assert "headteacher" not in case.route


@pytest.mark.parametrize(
    "role",
    ["class_teacher:Year 4", "headteacher", "dsl", "chair_of_governors", "office", "deputy"],
)
def test_roles_the_class_case_is_not_routed_to_are_refused(engine, chat, db, role):
    staff = register(engine, role)
    raise_concern(chat)
    refused_everything(staff, db)


def test_parent_forging_staff_buttons_is_refused(engine, chat, other_parent, db):
    raise_concern(chat)
    refused_everything(other_parent, db)
    refused_everything(chat, db)  # even the sender: staff actions are for staff


def test_forged_reference_is_refused_and_audited(engine, db):
    head = register(engine, "headteacher")
    head.send(button="1:sc:BH-2026-9999")
    assert "isn't available to you" in head.text
    assert audit_of(db, "BH-2026-9999")[0].allowed is False


def test_dsl_sees_pupil_reports_and_anonymous_senders_get_no_notice(engine, chat, db):
    dsl = register(engine, "dsl")
    report_incident(chat, anonymous=True)
    dsl.send("/inbox")
    dsl.press(REF)
    assert "anonymous" in dsl.text
    dsl.press("Reply to parent")
    dsl.send("Thank you, we are dealing with it.")
    assert "no message is sent" in dsl.text
    assert parent_notices(db) == []


def test_office_sees_a_reference_list_without_details(engine, chat, db):
    office = register(engine, "office")
    raise_concern(chat)
    office.send("/inbox")
    assert REF in office.text
    assert "acknowledge by 2026-03-09" in office.text
    assert "WhatsApp" not in office.text
    assert office.labels == ["Main menu"]


def test_overdue_cases_are_marked(knowledge, db, chat):
    raise_concern(chat)
    later = Engine(knowledge, db, clock=lambda: NOW + timedelta(days=10))
    teacher = register(later, "class_teacher:Year 3")
    teacher.send("/inbox")
    assert "OVERDUE" in teacher.text
    assert f"{REF} · concern · overdue" in teacher.labels


def test_audit_is_append_only(engine, chat, db):
    teacher = register(engine, "class_teacher:Year 3")
    raise_concern(chat)
    teacher.send(button=f"1:sc:{REF}")
    with pytest.raises(Exception, match="append-only"):
        db.execute("DELETE FROM audit")
    assert [e.event for e in timeline_of(db, case_by_reference(db, REF).id)] == ["submitted"]
