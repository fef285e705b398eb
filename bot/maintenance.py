"""`policybot backup` and `policybot doctor`: the checks and the copy a school's IT person
needs, with no Telegram token required for either."""

from __future__ import annotations

import argparse
import shutil
import stat
from collections.abc import Callable
from pathlib import Path

from bot.settings import Settings
from handlers.coverage import describe
from storage.attachments import ATTACHMENT_DIR, data_dir
from storage.db import backup_database, open_database

MIN_FREE_BYTES = 200 * 1024 * 1024

Check = tuple[str, Callable[[Settings], str]]  # what is checked; returns what was found


class Attention(Exception):
    """A check found something a person should act on that does not stop the bot."""


def cmd_backup(args: argparse.Namespace, settings: Settings) -> int:
    """Copy the live database (online backup API) and the saved files beside it."""
    db = open_database(settings.db_path)
    target = Path(args.path)
    backup_database(db, target)
    files = data_dir(db)
    copied = 0
    if files is not None and (files / ATTACHMENT_DIR).is_dir():
        destination = target.with_name(f"{target.name}.{ATTACHMENT_DIR}")
        shutil.copytree(files / ATTACHMENT_DIR, destination, dirs_exist_ok=True)
        destination.chmod(0o700)
        copied = sum(1 for _ in destination.iterdir())
    print(
        f"backed up {settings.db_path} to {target} ({target.stat().st_size} bytes) "
        f"and {copied} saved files"
    )
    print(
        f"restore: stop the bot, copy {target} over {settings.db_path} (removing any "
        f"-wal and -shm files beside it) and {target.name}.{ATTACHMENT_DIR}/ to "
        f"{ATTACHMENT_DIR}/ beside it, then start the bot"
    )
    return 0


def _school(settings: Settings) -> str:
    knowledge = settings.load_knowledge()
    return (
        f"{knowledge.school.name}: {len(knowledge.policy.sections)} policy sections, "
        f"{len(knowledge.curated.entries)} curated answers"
    )


EXAMPLE_PHONE_PREFIX = "01632960"  # Ofcom's drama range: the shipped example, not a phone


def _contact(settings: Settings) -> str:
    phone = settings.load_knowledge().school.phone
    if phone is None:
        raise Attention('no [school] phone in school.toml: "Ask a person" gives no number')
    if "".join(phone.split()).startswith(EXAMPLE_PHONE_PREFIX):
        raise Attention(f"[school] phone is still the example number {phone}: put the office's in")
    return f'"Ask a person" gives {phone}'


def _token(settings: Settings) -> str:
    from bot.telegram_app import api_urls, check_token

    secret = settings.telegram_bot_token
    if secret is None:
        return "not set (needed only for `policybot run`)"
    check_token(secret.get_secret_value())
    if settings.telegram_api_base_url:
        api_urls(settings.telegram_api_base_url)
        return f"looks right; Bot API server {settings.telegram_api_base_url}"
    return "looks right; Telegram's own servers"


def _database(settings: Settings) -> str:
    db = open_database(settings.db_path)
    verdict = db.execute("PRAGMA quick_check").fetchone()[0]
    if verdict != "ok":
        raise ValueError(f"integrity check says: {verdict}")
    return f"{settings.db_path}: opens, writable, integrity ok, schema up to date"


def _private(path: Path) -> str | None:
    """A complaint to the path if others than its owner can read it."""
    if path.exists() and path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        return f"{path} can be read by others than its owner (chmod go-rwx {path})"
    return None


def _permissions(settings: Settings) -> str:
    paths = [Path(settings.db_path), Path(settings.db_path).parent / ATTACHMENT_DIR, Path(".env")]
    problems = [problem for path in paths if (problem := _private(path))]
    if problems:
        raise ValueError("; ".join(problems))
    return "database, saved files and .env are owner-only"


def _disk(settings: Settings) -> str:
    free = shutil.disk_usage(Path(settings.db_path).resolve().parent).free
    if free < MIN_FREE_BYTES:
        raise ValueError(f"only {free // 2**20} MB free beside the database")
    return f"{free // 2**30} GB free beside the database"


def _staff(settings: Settings) -> str:
    casework = settings.load_knowledge().school.casework
    unreached = describe(open_database(settings.db_path), casework)
    if unreached:
        raise Attention(" ".join(unreached.split()))
    return "every role has someone registered; no notification is waiting for a recipient"


CHECKS: tuple[Check, ...] = (
    ("school and policy", _school),
    ("office contact", _contact),
    ("Telegram token", _token),
    ("database", _database),
    ("file permissions", _permissions),
    ("disk space", _disk),
    ("staff registered", _staff),
)


def cmd_doctor(args: argparse.Namespace, settings: Settings) -> int:
    """Run every check, print one line each; exit 1 if any failed (a warning does not)."""
    failed = 0
    for name, check in CHECKS:
        try:
            print(f"ok    {name}: {check(settings)}")
        except Attention as note:
            print(f"WARN  {name}: {note}")
        except (ValueError, OSError) as error:
            failed += 1
            print(f"FAIL  {name}: {error}")
    return 1 if failed else 0


def add_commands(commands: argparse._SubParsersAction) -> None:
    backup = commands.add_parser(
        "backup", help="copy the database (safely, while the bot runs) and the saved files"
    )
    backup.add_argument("path", help="where to write the copy, e.g. backups/policybot-2026.db")
    backup.set_defaults(func=cmd_backup)
    doctor = commands.add_parser(
        "doctor", help="check settings, token, database, file permissions and disk space"
    )
    doctor.set_defaults(func=cmd_doctor)
