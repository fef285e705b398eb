"""The schema, in one place, as ordered migrations. Never edit an applied migration:
add a new one below it."""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("policybot")


@migrations()
def m001_questions(db: Database) -> None:
    # Question log for the knowledge-gap report. No chat identity is stored here.
    db.table("questions").create(
        {
            "id": int,
            "asked_at": str,
            "text": str,
            "outcome": str,  # answer | clarify | decline
            "section": str,
            "confidence": float,
            "feedback": int,  # +1 helpful, -1 not helpful, NULL none
        },
        pk="id",
        not_null={"asked_at", "text", "outcome"},
    )
    db.table("questions").create_index(["asked_at"])


@migrations()
def m002_casework(db: Database) -> None:
    # Concerns, complaints, reports and safeguarding referrals, with everything around them.
    db.table("people").create(
        {"id": str, "role": str, "display_name": str, "first_seen": str, "last_seen": str},
        pk="id",  # the transport-prefixed chat identity, e.g. "tg:12345"
        not_null={"role", "first_seen", "last_seen"},
    )
    # Where a role's notifications are delivered ("office" is the fallback for all roles).
    db.table("role_chats").create(
        {"role": str, "chat_id": str, "updated_at": str},
        pk="role",
        not_null={"chat_id", "updated_at"},
    )
    db.table("submissions").create(
        {
            "id": int,
            "reference": str,  # e.g. BH-2026-0042: prefix, year, per-year sequence
            "year": int,
            "seq": int,
            "draft_id": str,  # the draft it was submitted from: a second Submit finds it
            "person_id": str,
            "kind": str,  # concern | complaint | report | safeguarding | question
            "route": str,  # e.g. class_teacher:Year 3, headteacher+dsl
            "assignee_role": str,  # the role that owns it now
            "status": str,  # open | responded | withdrawn | closed
            "stage": int,  # 0 informal, 1 formal stage 1, 2 governors' panel
            "about": str,
            "class_name": str,
            "details": str,
            "outcome": str,  # what would put it right
            "incident_type": str,
            "platform": str,
            "happened_when": str,
            "involved": str,
            "contact_method": str,  # chat | phone | email; NULL when anonymous
            "contact_detail": str,
            "anonymous": int,
            "created_at": str,
            "updated_at": str,
            "acknowledge_by": str,  # dates, counted in school days
            "respond_by": str,
        },
        pk="id",
        foreign_keys=[("person_id", "people", "id")],
        not_null={
            "reference",
            "year",
            "seq",
            "person_id",
            "kind",
            "route",
            "assignee_role",
            "status",
            "stage",
            "anonymous",
            "created_at",
            "updated_at",
        },
        defaults={"stage": 0, "anonymous": 0},
    )
    db.table("submissions").create_index(["reference"], unique=True)
    db.table("submissions").create_index(["year", "seq"], unique=True)
    db.table("submissions").create_index(["draft_id"], unique=True)
    db.table("submissions").create_index(["person_id"])
    db.table("timeline").create(
        {
            "id": int,
            "submission_id": int,
            "at": str,
            "actor": str,
            "event": str,
            "status": str,
            "text": str,
        },
        pk="id",
        foreign_keys=[("submission_id", "submissions", "id")],
        not_null={"submission_id", "at", "actor", "event"},
    )
    db.table("timeline").create_index(["submission_id"])
    db.table("attachments").create(
        {
            "id": int,
            "submission_id": int,  # NULL while the draft it came with is unsent
            "draft_id": str,
            "person_id": str,
            "kind": str,
            "file_id": str,  # the transport's id, to fetch the bytes later if not yet saved
            "file_name": str,
            "mime_type": str,
            "size": int,
            "sha256": str,
            "path": str,  # relative to the data directory beside the database
            "received_at": str,
        },
        pk="id",
        foreign_keys=[("submission_id", "submissions", "id")],
        not_null={"person_id", "kind", "received_at"},
    )
    db.table("attachments").create_index(["submission_id"])
    db.table("attachments").create_index(["draft_id"])
    db.table("conversations").create(
        {
            "person_id": str,
            "flow": str,
            "step": str,
            "draft_id": str,
            "draft": str,
            "updated_at": str,
        },
        pk="person_id",
        not_null={"flow", "step", "draft_id", "draft", "updated_at"},
    )
    db.table("outbox").create(
        {
            "id": int,
            "submission_id": int,
            "recipient_role": str,  # a staff role, or NULL for a person
            "recipient_person": str,  # the person (a parent), or NULL for a role
            "chat_id": str,  # resolved chat identity, NULL until someone can receive it
            "text": str,
            "status": str,  # pending | sent | failed (failed ones are retried)
            "attempts": int,
            "last_error": str,
            "next_attempt_at": str,
            "created_at": str,
            "sent_at": str,
        },
        pk="id",
        foreign_keys=[
            ("submission_id", "submissions", "id"),
            ("recipient_person", "people", "id"),
        ],
        not_null={"text", "status", "attempts", "created_at"},
        defaults={"status": "pending", "attempts": 0},
    )
    db.table("outbox").create_index(["status", "next_attempt_at"])


@migrations()
def m003_staff(db: Database) -> None:
    # Staff invites (the one-time code only as its sha256), the audit trail, when a case
    # was acknowledged and resolved, and which deadline reminders went out.
    db.table("staff_invites").create(
        {
            "id": int,
            "code_sha256": str,
            "role": str,
            "name": str,
            "created_at": str,
            "expires_at": str,
            "used_at": str,
            "used_by": str,
        },
        pk="id",
        not_null={"code_sha256", "role", "created_at", "expires_at"},
    )
    db.table("staff_invites").create_index(["code_sha256"], unique=True)
    # Append-only: every staff action and case view, allowed or refused.
    db.table("audit").create(
        {
            "id": int,
            "at": str,
            "actor": str,
            "actor_role": str,
            "action": str,
            "reference": str,
            "detail": str,
            "allowed": int,
        },
        pk="id",
        not_null={"at", "actor", "actor_role", "action", "allowed"},
    )
    db.table("audit").create_index(["reference"])
    db.execute(
        "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit "
        "BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END"
    )
    db.execute(
        "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit "
        "BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END"
    )
    db.table("submissions").add_column("acknowledged_at", str)
    db.table("submissions").add_column("resolved_at", str)
    # Reminders, escalation notices and digests already queued, one row per occasion, so
    # a tick that runs every minute sends each once.
    db.table("reminders_sent").create({"key": str, "sent_at": str}, pk="key", not_null={"sent_at"})


@migrations()
def m004_handled_updates(db: Database) -> None:
    # Telegram delivers updates at least once (a restart re-fetches unconfirmed ones, a
    # webhook is retried): the ids already handled, so each has its effect once.
    db.table("handled_updates").create(
        {"update_id": int, "handled_at": str}, pk="update_id", not_null={"handled_at"}
    )
    db.table("handled_updates").create_index(["handled_at"])


@migrations()
def m005_received_updates(db: Database) -> None:
    # Updates as received, until handled: the polling library confirms a batch to Telegram
    # before handling it, so a crash would otherwise lose what was waiting in memory.
    db.table("received_updates").create(
        {"update_id": int, "payload": str, "received_at": str},
        pk="update_id",
        not_null={"payload", "received_at"},
    )


@migrations()
def m006_staff_roles(db: Database) -> None:
    # The staff registry, one row per role a person holds: a headteacher who is also the
    # designated safeguarding lead registers twice and keeps both. people.role now only
    # records the first role held (or "parent").
    db.table("staff_roles").create(
        {"person_id": str, "role": str, "name": str, "since": str},
        pk=("person_id", "role"),
        foreign_keys=[("person_id", "people", "id")],
        not_null={"since"},
    )
    db.table("staff_roles").create_index(["role"])
    db.execute(
        "INSERT INTO staff_roles (person_id, role, name, since) "
        "SELECT id, role, display_name, first_seen FROM people WHERE role != 'parent'"
    )


@migrations()
def m007_references_ignore_case(db: Database) -> None:
    # References are looked up however they are typed ("bh-2026-0042"): indexes that
    # compare without case, so those lookups stay indexed.
    db.execute(
        "CREATE INDEX idx_submissions_reference_nocase ON submissions (reference COLLATE NOCASE)"
    )
    db.execute("CREATE INDEX idx_audit_reference_nocase ON audit (reference COLLATE NOCASE)")


@migrations()
def m040_update_attempts(db: Database) -> None:
    # An update whose handling failed stays unhandled and is tried again, a bounded number of
    # times (a crash while it was in hand counts): then it is given up, kept a while for a
    # person to look at, and never replayed.
    db.table("received_updates").add_column("attempts", int, not_null_default=0)
    db.table("received_updates").add_column("failed_at", str)


@migrations()
def m050_web_sign_in(db: Database) -> None:
    # The staff web console: one-time sign-in links and sessions, each kept only as a
    # sha256 so a copy of the database signs nobody in.
    db.table("web_links").create(
        {
            "id": int,
            "token_sha256": str,
            "person_id": str,
            "created_at": str,
            "expires_at": str,
            "used_at": str,
        },
        pk="id",
        not_null={"token_sha256", "person_id", "created_at", "expires_at"},
    )
    db.table("web_links").create_index(["token_sha256"], unique=True)
    db.table("web_sessions").create(
        {
            "id": int,
            "session_sha256": str,
            "person_id": str,
            "csrf_token": str,  # echoed in every form, so it is shown, not a secret at rest
            "created_at": str,
            "last_seen_at": str,
            "expires_at": str,  # absolute; idle expiry counts from last_seen_at
            "ended_at": str,
        },
        pk="id",
        not_null={"session_sha256", "person_id", "csrf_token", "created_at", "last_seen_at"},
    )
    db.table("web_sessions").create_index(["session_sha256"], unique=True)


@migrations()
def m051_gap_decisions(db: Database) -> None:
    # What staff decided about a knowledge gap: a new phrasing of a curated answer (target
    # the entry id), out of scope (target an [[out_of_scope]] id, or a new pointer), or
    # dismissed. Accepted phrasings are loaded with the curated answers.
    db.table("gap_decisions").create(
        {
            "id": int,
            "decided_at": str,
            "actor": str,
            "actor_role": str,
            "decision": str,  # phrasing | out_of_scope | dismissed
            "question": str,  # the phrasing accepted (the group's example question)
            "target": str,
            "pointer": str,
        },
        pk="id",
        not_null={"decided_at", "actor", "actor_role", "decision", "question"},
    )
    # Every logged question a decision covered, so the gap is not listed again.
    db.table("gap_reviewed").create(
        {"question": str, "decision_id": int},
        pk="question",
        foreign_keys=[("decision_id", "gap_decisions", "id")],
        not_null={"decision_id"},
    )


@migrations()
def m008_feedback_tokens(db: Database) -> None:
    # 👍/👎 buttons carry a random token for their own answer, not the question's row id,
    # so a forged button cannot vote on another person's question.
    db.table("questions").add_column("feedback_token", str)
    db.table("questions").create_index(["feedback_token"], unique=True)


@migrations()
def m010_safeguarding_hold(db: Database) -> None:
    # Whether the DSL has ever been on a case's route: the legal hold and the parent's
    # escalation follow that history, not the route it has now. Existing cases from theirs.
    db.table("submissions").add_column("dsl_involved", int, not_null_default=0)
    db.execute(
        "UPDATE submissions SET dsl_involved = 1 WHERE kind = 'safeguarding' "
        "OR '+' || route || '+' LIKE '%+dsl+%'"
    )
    # The child a case is about (a referral asks for it); another branch may add it too.
    if "child_name" not in db.table("submissions").columns_dict:
        db.table("submissions").add_column("child_name", str)


@migrations()
def m030_child_and_passed_by(db: Database) -> None:
    # Who the case is about (the child) and, optionally, who the parent is, so staff know
    # which child; erased like the rest of what was written. `passed_by` lists the staff
    # roles ("+"-joined) that passed the case up: they keep sight of it but no longer act.
    if "child_name" not in db.table("submissions").columns_dict:  # m010 may have added it
        db.table("submissions").add_column("child_name", str)
    db.table("submissions").add_column("parent_name", str)
    db.table("submissions").add_column("passed_by", str)
