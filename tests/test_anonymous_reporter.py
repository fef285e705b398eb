"""An anonymous reporter sees what staff were told they would see: staff are told their
replies and outcomes are not sent to an anonymous sender, so neither My cases nor /mydata
shows them; the reporter can still follow where the report stands."""

from __future__ import annotations

import json

from tests.journeys import report_incident
from tests.staffing import register

REF = "BH-2026-0001"
REPLY = "We have found the account and reported it."
OUTCOME = "The post was taken down and the family spoken to."


def test_staff_replies_and_outcome_stay_with_staff(engine, chat):
    head = register(engine, "headteacher")
    report_incident(chat, involved="A parent or other adult", anonymous=True)
    head.send("/inbox")
    head.press(REF)
    assert "the sender gets no replies" in head.text
    head.press("Reply to parent")
    head.send(REPLY)
    assert "the sender is anonymous, so no message is sent" in head.text
    chat.send("/mycases")
    assert "the school has replied" not in chat.text
    chat.press(REF)
    assert REPLY not in chat.text
    assert "the school has replied" not in chat.text
    assert "escalate" not in chat.text.lower()
    head.press("Resolve")
    head.send(OUTCOME)
    chat.send("/mycases")
    chat.press(REF)
    assert "closed" in chat.text
    assert OUTCOME not in chat.text
    [export] = [file for reply in chat.send("/mydata") for file in reply.files]
    assert REPLY not in export.data.decode()
    assert OUTCOME not in export.data.decode()
    assert json.loads(export.data)["cases"][0]["status"] == "closed"


def test_a_named_reporter_still_reads_the_reply(engine, chat):
    head = register(engine, "headteacher")
    report_incident(chat, involved="A parent or other adult")
    head.send(button=f"1:srep:{REF}")
    head.send(REPLY)
    chat.send("/mycases")
    chat.press(REF)
    assert REPLY in chat.text
