"""The `policybot` command: a thin argparse layer over functions that do the work."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from importlib import metadata
from pathlib import Path

from bot.maintenance import add_commands as add_maintenance_commands
from bot.settings import Settings
from handlers import gaps, inbox, review, staff
from handlers.engine import Engine
from handlers.replies import Person, Reply
from handlers.schooldays import school_today
from handlers.templates import render
from handlers.turn import Turn
from knowledge.audience import AUDIENCES, audience_of
from knowledge.matcher import Match
from knowledge.school import Knowledge, load_school
from storage.attachments import files_of
from storage.audit import audit_of
from storage.cases import Case, all_cases, case_by_reference, cases_since, timeline_of
from storage.db import open_database
from storage.staff import revoke_staff, staff_members


def match_to_json(match: Match) -> dict:
    """The `ask --json` contract of design.md: keep these keys and types stable."""
    answer = None
    if match.answered:
        answer = match.entry.answer if match.entry else match.quote
    return {
        "question": match.question,
        "answered": match.answered,
        "outcome": match.outcome,
        "section": match.section,
        "title": match.title,
        "answer": answer,
        "confidence": match.confidence,
        "alternatives": [
            {"section": a.section, "title": a.title, "confidence": a.confidence}
            for a in match.alternatives
            if a.section != match.section
        ]
        if match.answered
        else [],
        "action": match.action,
    }


def _knowledge(settings: Settings) -> Knowledge:
    return settings.load_knowledge()


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    knowledge = _knowledge(settings)
    matcher = knowledge.matcher
    if args.question == "-":
        out = sys.stdout
        for line in sys.stdin:
            question = line.rstrip("\n")
            match = matcher.match(question, args.audience or audience_of(question))
            if args.json:
                out.write(json.dumps(match_to_json(match), ensure_ascii=False) + "\n")
            else:
                out.write(_plain(knowledge, match) + "\n\n")
            out.flush()
        return 0
    match = matcher.match(args.question, args.audience or audience_of(args.question))
    if args.json:
        print(json.dumps(match_to_json(match), ensure_ascii=False))
    else:
        print(_plain(knowledge, match))
    return 0


def _plain(knowledge: Knowledge, match: Match) -> str:
    from handlers.qa import reply_to_match

    return reply_to_match(knowledge, match).text


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    from bot.console import run_chat

    engine = Engine(_knowledge(settings), open_database(settings.db_path))
    run_chat(engine, Person(id=f"local:{args.user}", role="parent", audience=args.audience))
    return 0


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.telegram_app import run_bot

    return run_bot(settings, webhook_url=args.webhook_url, listen=args.listen, port=args.port)


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from knowledge.evaluation import evaluate, format_report, load_questions
    from knowledge.safeguarding_eval import (
        format_triage,
        is_triage_file,
        load_labelled,
        score_triage,
    )

    if is_triage_file(Path(args.file)):  # disclosures and near-misses, not questions
        triage = score_triage(load_labelled(Path(args.file)))
        print(json.dumps(triage.summary(), indent=2) if args.json else format_triage(triage))
        return 0
    from knowledge.matcher import Matcher

    knowledge = _knowledge(settings)
    words_only = Matcher(knowledge.policy, knowledge.curated)
    scores = evaluate(
        knowledge.matcher, load_questions(Path(args.file)), [("words-only", words_only)]
    )
    if args.json:
        print(json.dumps([s.summary() for s in scores], indent=2))
    else:
        print(format_report(scores, Path(args.file).name, show_misses=args.misses))
    return 0


def cases_to_json(cases: list[Case]) -> list[dict]:
    """The `cases list --json` contract of design.md: keep these keys stable."""
    return [
        {
            "reference": c.reference,
            "kind": c.kind,
            "route": c.route,
            "status": c.status,
            "created_at": c.created_at,
        }
        for c in cases
    ]


def cmd_cases_list(args: argparse.Namespace, settings: Settings) -> int:
    cases = all_cases(open_database(settings.db_path))
    if args.json:
        print(json.dumps(cases_to_json(cases), ensure_ascii=False))
    else:
        print(render("cases_list", cases=cases))
    return 0


def cmd_cases_show(args: argparse.Namespace, settings: Settings) -> int:
    db = open_database(settings.db_path)
    case = case_by_reference(db, args.reference)
    if case is None:
        raise ValueError(f"no case {args.reference}")
    casework = load_school(settings.school_dir).casework
    print(
        render(
            "case_show",
            case=case,
            casework=casework,
            timeline=timeline_of(db, case.id),
            files=files_of(db, case.id),
        )
    )
    return 0


def cmd_staff_invite(args: argparse.Namespace, settings: Settings) -> int:
    casework = load_school(settings.school_dir).casework
    role = staff.role_for(args.role, args.class_name, casework)
    code, expires = staff.invite(
        open_database(settings.db_path), role, args.name, datetime.now(UTC)
    )
    username = settings.telegram_bot_username
    print(
        render(
            "staff_invite",
            role=role,
            holder=casework.holder(role),
            name=args.name,
            code=code,
            expires=f"{expires:%Y-%m-%d %H:%M} UTC",
            username=username,
            link=staff.deep_link(code, username),
        )
    )
    return 0


def cmd_staff_list(args: argparse.Namespace, settings: Settings) -> int:
    print(render("staff_list", members=staff_members(open_database(settings.db_path))))
    return 0


def cmd_staff_revoke(args: argparse.Namespace, settings: Settings) -> int:
    people = revoke_staff(open_database(settings.db_path), args.who, datetime.now(UTC))
    print(render("staff_revoked", people=people, what=args.who))
    return 0 if people else 1


def _on_behalf(
    args: argparse.Namespace, settings: Settings, action: Callable[[Turn], list[Reply]]
) -> int:
    """A case action done at the command line for a role; audited with actor "cli".
    A refusal is a PermissionError, which main() reports."""
    turn = Turn(
        _knowledge(settings),
        open_database(settings.db_path),
        Person(id="cli", role=args.as_role),
        datetime.now(UTC),
    )
    for reply in action(turn):
        print(reply.text)
    return 0


def cmd_cases_ack(args: argparse.Namespace, settings: Settings) -> int:
    return _on_behalf(args, settings, lambda turn: inbox.acknowledge(turn, args.reference))


def cmd_cases_reply(args: argparse.Namespace, settings: Settings) -> int:
    return _on_behalf(args, settings, lambda turn: inbox.reply(turn, args.reference, args.text))


def cmd_cases_resolve(args: argparse.Namespace, settings: Settings) -> int:
    return _on_behalf(
        args, settings, lambda turn: inbox.resolve(turn, args.reference, args.outcome)
    )


def _since(text: str) -> str:
    """A --since date, checked, as the ISO text timestamps compare against."""
    return date.fromisoformat(text).isoformat()


def cmd_cases_export(args: argparse.Namespace, settings: Settings) -> int:
    db = open_database(settings.db_path)
    writer = csv.DictWriter(sys.stdout, fieldnames=review.EXPORT_FIELDS)
    writer.writeheader()
    for case in cases_since(db, args.since):
        writer.writerow(review.export_row(case, audit_of(db, case.reference)))
    return 0


def cmd_report(args: argparse.Namespace, settings: Settings) -> int:
    db = open_database(settings.db_path)
    cases = cases_since(db, args.since) if args.since else all_cases(db)
    print(
        render(
            "annual_report",
            since=args.since,
            summary=review.summarise(cases, school_today(datetime.now(UTC))),
        )
    )
    return 0


def cmd_gaps(args: argparse.Namespace, settings: Settings) -> int:
    print(gaps.report(open_database(settings.db_path)))
    return 0


def cmd_gaps_export(args: argparse.Namespace, settings: Settings) -> int:
    from handlers.gap_review import answers_toml

    print(answers_toml(_knowledge(settings), open_database(settings.db_path)), end="")
    return 0


def cmd_web(args: argparse.Namespace, settings: Settings) -> int:
    from bot.web import serve

    knowledge = _knowledge(settings)
    db = open_database(settings.db_path)
    print(f"staff web console on http://{args.host}:{args.port} (links: {settings.web_url})")
    return serve(knowledge, db, args.host, args.port, settings.telegram_bot_username)


def cmd_web_link(args: argparse.Namespace, settings: Settings) -> int:
    from handlers.web_sign_in import link_for_role

    db = open_database(settings.db_path)
    print(link_for_role(db, args.as_role, settings.web_url, datetime.now(UTC)))
    return 0


def _installed_version() -> str:
    """The version pip installed, so a school's IT person can say what they run."""
    try:
        return metadata.version("policybot")
    except metadata.PackageNotFoundError:  # running from a source tree that was never installed
        return "unknown (not installed)"


def _add_audience(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--as",
        dest="audience",
        choices=AUDIENCES,
        help="ask as a parent, staff or pupil (default: from the registry and the words)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="policybot",
        description="Answers questions from a school's policies and routes concerns.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_installed_version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ask = commands.add_parser("ask", help="answer one question, or one per stdin line with '-'")
    ask.add_argument("question", help="the question, or '-' to read one per line from stdin")
    ask.add_argument("--json", action="store_true", help="print JSON (one object per line)")
    _add_audience(ask)
    ask.set_defaults(func=cmd_ask)

    chat = commands.add_parser("chat", help="talk to the bot in this terminal")
    chat.add_argument("--user", default="parent", help="who is talking (default: parent)")
    _add_audience(chat)
    chat.set_defaults(func=cmd_chat)

    run = commands.add_parser("run", help="run the Telegram bot (long polling by default)")
    run.add_argument(
        "--webhook-url",
        metavar="URL",
        help="receive updates by webhook at this public https URL instead of "
        "polling (secret from TELEGRAM_WEBHOOK_SECRET, else random)",
    )
    run.add_argument(
        "--listen",
        default="127.0.0.1",
        metavar="ADDRESS",
        help="webhook mode: the address to listen on (default: 127.0.0.1)",
    )
    run.add_argument(
        "--port",
        type=int,
        default=8443,
        help="webhook mode: the port to listen on (default: 8443)",
    )
    run.set_defaults(func=cmd_run)

    ev = commands.add_parser(
        "eval",
        help="score answers on a labelled .jsonl question file, or safeguarding triage "
        "(recall and false alarms) on a file of labelled messages",
    )
    ev.add_argument(
        "file",
        help="questions in the shared/eval format, or messages labelled 'safeguarding' "
        "(the safeguarding_dev.jsonl format)",
    )
    ev.add_argument("--json", action="store_true", help="print the summary as JSON")
    ev.add_argument("--misses", action="store_true", help="list each question it got wrong")
    ev.set_defaults(func=cmd_eval)

    cases = commands.add_parser("cases", help="list or show concerns, complaints and reports")
    what = cases.add_subparsers(dest="cases_command", required=True, metavar="SUBCOMMAND")
    listing = what.add_parser("list", help="every case: reference, kind, route, status, date")
    listing.add_argument(
        "--json",
        action="store_true",
        help='print [{"reference", "kind", "route", "status", "created_at"}]',
    )
    listing.set_defaults(func=cmd_cases_list)
    show = what.add_parser("show", help="one case in full, with its timeline and files")
    show.add_argument("reference", help="the case reference, e.g. BH-2026-0042")
    show.set_defaults(func=cmd_cases_show)
    acting = {}
    for name, help_text, func in (
        ("ack", "acknowledge a case on behalf of a role", cmd_cases_ack),
        ("reply", "reply to the parent on behalf of a role", cmd_cases_reply),
        ("resolve", "resolve a case with an outcome on behalf of a role", cmd_cases_resolve),
    ):
        acting[name] = what.add_parser(name, help=help_text)
        acting[name].add_argument("reference", help="the case reference, e.g. BH-2026-0042")
        acting[name].add_argument(
            "--as",
            dest="as_role",
            required=True,
            metavar="ROLE",
            help="the role acted for, e.g. headteacher or 'class_teacher:Year 3' (recorded "
            "in the audit trail with actor cli)",
        )
        acting[name].set_defaults(func=func)
    acting["reply"].add_argument("text", help="the reply the parent is sent")
    acting["resolve"].add_argument(
        "--outcome", required=True, help="what was done; the parent is sent it"
    )

    export = what.add_parser("export", help="cases since a date with their audit trail, as CSV")
    export.add_argument(
        "--since",
        type=_since,
        required=True,
        metavar="DATE",
        help="the first day to include, e.g. 2025-09-01",
    )
    export.add_argument("--format", choices=("csv",), default="csv", help="csv (the default)")
    export.set_defaults(func=cmd_cases_export)

    report = commands.add_parser("report", help="casework summary for the governors' review")
    report.add_argument(
        "--since", type=_since, metavar="DATE", help="only cases since this day (default: all)"
    )
    report.set_defaults(func=cmd_report)

    gap_parser = commands.add_parser(
        "gaps", help="questions the bot declined or that got a thumbs-down, grouped"
    )
    gap_parser.set_defaults(func=cmd_gaps)
    gap_export = gap_parser.add_subparsers(dest="gaps_command", metavar="SUBCOMMAND")
    gap_export.add_parser(
        "export", help="the answers file with the phrasings staff accepted, as TOML"
    ).set_defaults(func=cmd_gaps_export)

    web = commands.add_parser("web", help="serve the staff web console")
    web.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    web.add_argument("--port", type=int, default=8080, help="port to listen on (8080)")
    web.set_defaults(func=cmd_web)
    web_link = web.add_subparsers(dest="web_command", metavar="SUBCOMMAND").add_parser(
        "link", help="a one-time sign-in link (15 minutes) for whoever holds a role"
    )
    web_link.add_argument(
        "--as",
        dest="as_role",
        required=True,
        metavar="ROLE",
        help="the role as the staff registry spells it, e.g. headteacher, office or "
        "'class_teacher:Year 3'",
    )
    web_link.set_defaults(func=cmd_web_link)

    add_maintenance_commands(commands)

    staff_parser = commands.add_parser("staff", help="invite, list and revoke staff")
    people = staff_parser.add_subparsers(dest="staff_command", required=True, metavar="SUBCOMMAND")
    invite = people.add_parser("invite", help="a one-time code and link that registers a role")
    invite.add_argument("--role", required=True, choices=staff.ROLES, help="the staff role")
    invite.add_argument("--name", required=True, help="who it is for (shown in staff list)")
    invite.add_argument(
        "--class",
        dest="class_name",
        metavar="CLASS",
        help="class_teacher only: the class, e.g. 'Year 3'",
    )
    invite.set_defaults(func=cmd_staff_invite)
    listing = people.add_parser("list", help="who is registered, as which role")
    listing.set_defaults(func=cmd_staff_list)
    revoke = people.add_parser("revoke", help="unregister a role's holders, or one person")
    revoke.add_argument(
        "who",
        metavar="ROLE_OR_PERSON",
        help="a role (e.g. headteacher) or a person id (e.g. tg:12345)",
    )
    revoke.set_defaults(func=cmd_staff_revoke)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args, Settings())
    except (ValueError, OSError) as error:  # config and data errors: one clear line
        print(f"policybot: {error}", file=sys.stderr)
        return 2
