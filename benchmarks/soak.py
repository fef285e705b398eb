"""Soak test, run on demand (`make soak`), never part of `make test`.

`policybot run` as a real process against the fake Bot API (tests/fake_bot_api.py, in this
process, on a thread), with a few hundred simulated users at once: most ask questions (in and
out of the policy's scope), some walk the whole concern flow, some the report flow with a
photo, some double-tap Submit, and staff acknowledge cases with `policybot cases ack` on the
same database. Meanwhile the fake API answers a small random share of sendMessage,
getUpdates and answerCallbackQuery calls with 429 (retry_after), 500 or a dropped
connection, and the bot is SIGKILLed and restarted twice.

At the end it checks, from the fake's recorded calls and the SQLite file itself:
every submission stored once, every outbox notification sent and delivered once, every
update answered; and writes benchmarks/soak-results.json and benchmarks/SOAK.md.

    .venv/bin/python benchmarks/soak.py [--users 200] [--fault-rate 0.03] [--seed 7]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fake_bot_api import Call, FakeBotApi  # noqa: E402

TOKEN = "123456:SOAK-token"
OFFICE = 990000001
FIRST_USER = 10_000
REFERENCE = re.compile(r"\b[A-Z]{2,}-\d{4}-\d{4}\b")
SENDS = ("sendMessage", "sendPhoto", "sendDocument")
REPLY_TIMEOUT = 45.0  # covers a restart and the bot's backlog
SETTLE = 0.4  # a reply is complete once the chat is quiet this long
THINK = 1.2  # between a user's actions: under the bot's one-message-a-second limit
PNG = b"\x89PNG\r\n\x1a\n" + b"soak screenshot " * 64
ERROR_TEXT = "went wrong"


def questions() -> list[tuple[str, bool]]:
    found = []
    for name in ("dev_questions.jsonl", "heldout_questions.jsonl"):
        for line in (ROOT / "tests" / "data" / name).read_text().splitlines():
            if line.strip():
                row = json.loads(line)
                found.append((row["question"], bool(row["in_scope"])))
    return found


class Observer:
    """Files every delivered message by chat, from the fake's call log, as a client sees it."""

    def __init__(self, server: FakeBotApi) -> None:
        self.server = server
        self.seen = 0
        self.pending: list[Call] = []
        self.by_chat: dict[int, list[Call]] = defaultdict(list)

    def poll(self) -> None:
        with self.server._lock:
            new = self.server.calls_log[self.seen :]
            self.seen += len(new)
        self.pending.extend(c for c in new if c.method in SENDS)
        waiting = []
        for call in self.pending:
            if call.response is None:
                waiting.append(call)
            elif isinstance(call.response, dict):
                self.by_chat[int(call.params["chat_id"])].append(call)
        self.pending = waiting

    async def run(self) -> None:
        while True:
            self.poll()
            await asyncio.sleep(0.05)


@dataclass
class User:
    uid: int
    role: str
    stats: Counter
    log: list = field(default_factory=list)  # (what, answered, seconds)
    pressed_submit: bool = False
    references: set = field(default_factory=set)
    restarts: int = 0
    done: bool = False


class Driver:
    def __init__(self, server: FakeBotApi, observer: Observer, think: float = THINK) -> None:
        self.server = server
        self.observer = observer
        self.think = think
        self.latencies: list[float] = []
        self.pushed_at: list[float] = []  # seconds into the run, beside each latency
        self.unanswered: list[tuple[int, str]] = []
        self.queries: list[tuple[int, str]] = []
        self.t0 = time.monotonic()

    def messages(self, uid: int) -> list[Call]:
        return self.observer.by_chat[uid]

    async def _await_reply(self, user: User, before: int, what: str) -> list[Call]:
        started = time.monotonic()
        while len(self.messages(user.uid)) <= before:
            if time.monotonic() - started > REPLY_TIMEOUT:
                self.unanswered.append((user.uid, what, round(started - self.t0, 1)))
                user.log.append((what, False, REPLY_TIMEOUT))
                return []
            await asyncio.sleep(0.05)
        self.latencies.append(time.monotonic() - started)
        self.pushed_at.append(started - self.t0)
        count = len(self.messages(user.uid))
        while True:  # let a multi-message reply finish
            await asyncio.sleep(SETTLE)
            if len(self.messages(user.uid)) == count:
                break
            count = len(self.messages(user.uid))
        user.log.append((what, True, time.monotonic() - started))
        return self.messages(user.uid)[before:]

    async def say(self, user: User, text: str) -> list[Call]:
        await asyncio.sleep(self.think)
        before = len(self.messages(user.uid))
        self.server.push_message(user.uid, text, first_name=f"User{user.uid}")
        return await self._await_reply(user, before, f"text:{text[:30]}")

    async def photo(self, user: User) -> list[Call]:
        await asyncio.sleep(self.think)
        before = len(self.messages(user.uid))
        self.server.push_photo(user.uid, PNG)
        return await self._await_reply(user, before, "photo")

    def keyboard(self, user: User) -> Call | None:
        for call in reversed(self.messages(user.uid)):
            if call.buttons:
                return call
        return None

    def find(self, user: User, label: str) -> tuple[Call, dict] | None:
        """The newest message with a keyboard, and its button like `label`, like a client."""
        call = self.keyboard(user)
        if call is None:
            return None
        for button in call.buttons:
            if label.casefold() in button["text"].casefold() and "callback_data" in button:
                return call, button
        return None

    async def press(self, user: User, label: str, taps: int = 1) -> list[Call] | None:
        await asyncio.sleep(self.think)
        found = self.find(user, label)
        if found is None:
            return None
        call, button = found
        before = len(self.messages(user.uid))
        for _ in range(taps):
            query = self.server.push_callback(
                user.uid, button["callback_data"], call.response["message_id"]
            )
            self.queries.append((user.uid, query))
        return await self._await_reply(user, before, f"press:{label}")


def last_text(replies: list[Call]) -> str:
    return "\n".join(c.response.get("text", "") or "" for c in replies)


async def ask_questions(
    driver: Driver, user: User, pool: list[tuple[str, bool]], rng: random.Random
) -> None:
    await driver.say(user, "/start")
    for _ in range(rng.randint(2, 4)):
        question, in_scope = rng.choice(pool)
        user.stats["in_scope" if in_scope else "out_of_scope"] += 1
        await driver.say(user, question)


CONCERN = [
    ("say", "/concern"),
    ("press", "Something in my child's class"),
    ("press", "Year 3"),
    ("press", "A concern"),
    ("say", "The class group chat has become unkind and my son is upset each evening."),
    ("say", "A word with the class, please."),
    ("press", "Reply here in the chat"),
]
REPORT = [
    ("say", "/report"),
    ("press", "Cyberbullying"),
    ("say", "Instagram, https://instagram.com/p/abc123"),
    ("say", "Last night at about 9pm"),
    ("press", "A pupil"),
    ("photo", None),
    ("press", "Done"),
    ("press", "No, the school can reply"),
]


async def walk_flow(driver: Driver, user: User, steps: list, double_tap: bool) -> None:
    """Walk a flow to its summary and Submit; on a lost reply (no expected button) /cancel and
    start again, as a person would; Submit again while no reference has come back."""
    await driver.say(user, "/start")
    for _ in range(3):  # up to two restarts of the flow
        ok = True
        for kind, arg in steps:
            if kind == "say":
                await driver.say(user, arg)
            elif kind == "photo":
                await driver.photo(user)
            elif await driver.press(user, arg) is None:
                ok = False
                break
        if ok and driver.find(user, "Submit") is not None:
            for tap in range(3):
                replies = await driver.press(
                    user, "Submit", taps=2 if double_tap and tap == 0 else 1
                )
                if replies is None:
                    break
                user.pressed_submit = True
                user.references |= set(REFERENCE.findall(last_text(replies)))
                if user.references:
                    return
                user.stats["submit_retried"] += 1
            if user.references:
                return
        user.restarts += 1
        await driver.say(user, "/cancel")


async def staff_acks(db_path: Path, stop: asyncio.Event, results: Counter) -> None:
    """Staff acknowledging cases through the CLI on the same database while the bot runs."""
    done: set[str] = set()
    env = {**os.environ, "POLICYBOT_DB": str(db_path)}
    while not stop.is_set():
        await asyncio.sleep(4)
        try:
            with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=5) as con:
                rows = con.execute(
                    "SELECT reference, assignee_role FROM submissions WHERE "
                    "status = 'open' AND assignee_role IN ('headteacher', 'dsl')"
                ).fetchall()
        except sqlite3.Error:
            continue
        for reference, role in rows[:3]:
            if reference in done or len(done) >= 12:
                continue
            done.add(reference)
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                "cases",
                "ack",
                reference,
                "--as",
                role,
                cwd=db_path.parent,
                env=env,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )
            _, stderr = await process.communicate()
            results["ok" if process.returncode == 0 else "refused_or_failed"] += 1
            if process.returncode:
                results[f"stderr:{stderr.decode().strip().splitlines()[-1][:120]}"] += 1


class Bot:
    def __init__(self, server: FakeBotApi, workdir: Path) -> None:
        self.server, self.workdir = server, workdir
        self.env = {
            k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "POLICYBOT_"))
        }
        self.env.update(
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_API_BASE_URL=server.url,
            POLICYBOT_DB=str(workdir / "bot.db"),
            POLICYBOT_OFFICE_CHAT_ID=str(OFFICE),
            PYTHONUNBUFFERED="1",
        )
        self.process: subprocess.Popen | None = None
        self.runs = 0
        self.startups: list[float] = []

    def start(self) -> None:
        self.runs += 1
        log = open(self.workdir / f"bot-{self.runs}.log", "w")  # noqa: SIM115
        started = time.monotonic()
        before = len(self.server.calls("setMyCommands"))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            cwd=self.workdir,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.server.wait_for_calls_sync("setMyCommands", before + 1, timeout=60)
        self.startups.append(time.monotonic() - started)

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> int:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return -9


def db_rows(path: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10) as con:
        return con.execute(sql).fetchall()


async def soak(args: argparse.Namespace) -> dict:
    rng = random.Random(args.seed)
    pool = questions()
    workdir = Path(tempfile.mkdtemp(prefix="policybot-soak-"))
    server = FakeBotApi(TOKEN, delay=args.round_trip_ms / 1000)
    bot = Bot(server, workdir)
    wall = time.monotonic()
    # the office chat must have started the bot before it can be sent anything
    server.push_message(OFFICE, "/start", first_name="Office")
    bot.start()
    observer = Observer(server)
    watcher = asyncio.create_task(observer.run())
    driver = Driver(server, observer, args.think)
    server.chaos(args.fault_rate, seed=args.seed)

    stats: Counter = Counter()
    users: list[User] = []
    roles = ["question"] * int(args.users * 0.7) + ["concern"] * int(args.users * 0.15)
    roles += ["report"] * (args.users - len(roles))
    rng.shuffle(roles)
    tasks = []
    for number, role in enumerate(roles):
        user = User(FIRST_USER + number, role, stats)
        users.append(user)
        double = role != "question" and rng.random() < 0.3
        user.stats[f"double_tap:{role}"] += double

        async def play(user: User = user, double: bool = double) -> None:
            await asyncio.sleep(rng.uniform(0, args.ramp))
            if user.role == "question":
                await ask_questions(driver, user, pool, rng)
            else:
                await walk_flow(
                    driver, user, CONCERN if user.role == "concern" else REPORT, double
                )
            user.done = True

        tasks.append(asyncio.create_task(play()))

    stop_staff = asyncio.Event()
    staff: Counter = Counter()
    staff_task = asyncio.create_task(staff_acks(workdir / "bot.db", stop_staff, staff))
    kills = []
    loop_started = driver.t0 = time.monotonic()
    for at in args.kill_at:
        await asyncio.sleep(max(0.0, loop_started + at - time.monotonic()))
        busy = sum(not u.done for u in users)
        bot.kill()
        kills.append(
            {"at_seconds": round(time.monotonic() - loop_started, 1), "users_mid_journey": busy}
        )
        await asyncio.to_thread(bot.start)
    await asyncio.gather(*tasks)
    users_done = time.monotonic() - loop_started
    stop_staff.set()
    await staff_task
    server.chaos(0)  # let the outbox drain cleanly
    drained = False
    for _ in range(120):
        pending = db_rows(
            workdir / "bot.db", "SELECT count(*) FROM outbox WHERE status != 'sent'"
        )[0][0]
        if pending == 0:
            drained = True
            break
        await asyncio.sleep(0.5)
    await asyncio.sleep(1.0)
    observer.poll()
    exit_code = bot.stop()
    watcher.cancel()
    wall_seconds = time.monotonic() - wall
    observer.poll()
    server.close()
    return check(
        args,
        workdir,
        server,
        observer,
        driver,
        users,
        stats,
        staff,
        kills,
        bot,
        exit_code,
        drained,
        users_done,
        wall_seconds,
    )


def check(
    args,
    workdir,
    server,
    observer,
    driver,
    users,
    stats,
    staff,
    kills,
    bot,
    exit_code,
    drained,
    users_done,
    wall_seconds,
) -> dict:
    db = workdir / "bot.db"
    submissions = db_rows(db, "SELECT person_id, reference, kind, draft_id FROM submissions")
    rows_per_person = Counter(person for person, *_ in submissions)
    submitters = [u for u in users if u.pressed_submit]
    confirmed = [u for u in users if u.references]
    duplicates = {p: n for p, n in rows_per_person.items() if n > 1}
    stored_for = {int(p.removeprefix("tg:")) for p in rows_per_person}
    submitted_not_stored = [u.uid for u in submitters if u.uid not in stored_for]
    stored_not_confirmed = sorted(stored_for - {u.uid for u in confirmed})

    outbox = db_rows(db, "SELECT id, chat_id, text, status, attempts, submission_id FROM outbox")
    delivered_texts: Counter = Counter()
    for chat, calls in observer.by_chat.items():
        for call in calls:
            delivered_texts[(f"tg:{chat}", (call.response.get("text") or "").strip())] += 1
    expected: Counter = Counter((chat, text.strip()) for _, chat, text, *_ in outbox)
    not_sent = [row[0] for row in outbox if row[3] != "sent"]
    outbox_missing, outbox_dupes = [], []
    for key, n in expected.items():
        got = delivered_texts.get(key, 0)
        if got < n:
            outbox_missing.append(
                {"chat": key[0], "text": key[1][:80], "queued": n, "delivered": got}
            )
        elif got > n:
            outbox_dupes.append(
                {
                    "chat": key[0],
                    "text": key[1][:80],
                    "queued": n,
                    "delivered": got,
                    "reference": (REFERENCE.findall(key[1]) or [None])[0],
                }
            )
    new_case_notices = Counter()
    for _, chat, _text, _, _, submission_id in outbox:
        if submission_id is not None and chat == f"tg:{OFFICE}":
            new_case_notices[submission_id] += 1

    unanswered_queries = [q for _, q in driver.queries if server.queries.get(q) is not True]
    logs = "".join(p.read_text(errors="replace") for p in sorted(workdir.glob("bot-*.log")))
    log_errors = Counter(m for m in re.findall(r" ERROR ([\w.]+): ([^\n]{0,60})", logs))
    tracebacks = Counter(re.findall(r"\n(\w+(?:\.\w+)*(?:Error|Exception)): ", logs))
    pushed = sum(len(u.log) for u in users)
    answered = sum(ok for u in users for _, ok, _ in u.log)
    latencies = sorted(driver.latencies)
    # replies to what was sent from 3 s before a kill until 5 s after the restart began
    around_kills = [
        latency
        for latency, at in zip(driver.latencies, driver.pushed_at, strict=True)
        if any(-3 <= at - k["at_seconds"] <= 5 for k in kills)
    ]
    away = sorted(
        latency
        for latency, at in zip(driver.latencies, driver.pushed_at, strict=True)
        if not any(-3 <= at - k["at_seconds"] <= 5 for k in kills)
    )

    def pct(q: float, samples: list[float] | None = None) -> float:
        samples = latencies if samples is None else samples
        return round(samples[min(len(samples) - 1, int(q * len(samples)))], 2) if samples else 0.0

    faults = {f"{method} {kind}": n for (method, kind), n in sorted(server.injected.items())}
    sends_per_second = Counter(
        int(call.at) for calls in observer.by_chat.values() for call in calls
    )  # messages Telegram accepted, by second: 30 a second is Telegram's limit on a bot
    results = {
        "command": "make soak  (.venv/bin/python benchmarks/soak.py "
        f"--users {args.users} --fault-rate {args.fault_rate} --seed {args.seed} "
        f"--think {args.think} --round-trip-ms {args.round_trip_ms})",
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
        },
        "users": {
            "total": len(users),
            **Counter(u.role for u in users),
            "double_tap_submit": sum(v for k, v in stats.items() if k.startswith("double_tap")),
        },
        "questions": {"in_scope": stats["in_scope"], "out_of_scope": stats["out_of_scope"]},
        "wall_seconds": round(wall_seconds, 1),
        "users_finished_after_seconds": round(users_done, 1),
        "bot_runs": bot.runs,
        "bot_startup_seconds": [round(s, 1) for s in bot.startups],
        "kills": kills,
        "bot_exit_code_on_sigterm": exit_code,
        "faults_injected": faults,
        "faults_total": sum(server.injected.values()),
        "updates_pushed": pushed,
        "updates_answered": answered,
        "unanswered": [{"user": u, "what": w, "pushed_at": t} for u, w, t in driver.unanswered],
        "unanswered_pushed_within_15s_before_a_kill": sum(
            any(0 <= k["at_seconds"] - t <= 15 for k in kills) for _, _, t in driver.unanswered
        ),
        "callback_queries": len(driver.queries),
        "callback_queries_not_answered": len(unanswered_queries),
        "messages_sent_per_second": {
            "busiest_second": max(sends_per_second.values(), default=0),
            "seconds_at_telegram_limit": sum(n >= 28 for n in sends_per_second.values()),
        },
        "reply_latency_seconds": {
            "p50": pct(0.5),
            "p90": pct(0.9),
            "p99": pct(0.99),
            "max": round(latencies[-1], 2) if latencies else 0.0,
        },
        "reply_latency_seconds_away_from_kills": {
            "replies": len(away),
            "p50": pct(0.5, away),
            "p99": pct(0.99, away),
        },
        "replies_around_kills": len(around_kills),
        "flow_restarts_after_lost_reply": sum(u.restarts for u in users),
        "submit_pressed_again_no_reference": stats["submit_retried"],
        "submissions": {
            "users_pressed_submit": len(submitters),
            "users_saw_reference": len(confirmed),
            "rows": len(submissions),
            "people_with_rows": len(rows_per_person),
            "duplicates": duplicates,
            "pressed_submit_but_not_stored": submitted_not_stored,
            "stored_but_reference_not_seen": stored_not_confirmed,
        },
        "outbox": {
            "rows": len(outbox),
            "sent": len(outbox) - len(not_sent),
            "not_sent": not_sent,
            "drained": drained,
            "max_attempts": max((row[4] for row in outbox), default=0),
            "office_new_case_notices_per_case_max": max(new_case_notices.values(), default=0),
            "missing_deliveries": outbox_missing,
            "duplicate_deliveries": outbox_dupes,
        },
        "staff_cli_acks": dict(staff),
        "bot_log_errors": {f"{a}: {b}": n for (a, b), n in log_errors.most_common(10)},
        "bot_log_exceptions": dict(tracebacks.most_common(10)),
        "workdir": str(workdir),
    }
    results["verdict"] = {
        "every_submission_stored_once": not duplicates and not submitted_not_stored,
        "every_notification_delivered_once": not not_sent
        and not outbox_missing
        and not outbox_dupes,
        "every_update_answered": not driver.unanswered,
        "every_button_press_answered": not unanswered_queries,
    }
    return results


def markdown(r: dict) -> str:
    s, o, v = r["submissions"], r["outbox"], r["verdict"]
    faults = ", ".join(f"{k}: {n}" for k, n in r["faults_injected"].items())
    lines = [
        "# Soak",
        "",
        "`policybot run` as a process against the fake Bot API (tests/fake_bot_api.py), "
        "with random 429/500/dropped connections on sendMessage, getUpdates and "
        "answerCallbackQuery, and two SIGKILL + restarts mid-run. Run on demand, never in "
        "`make test`.",
        "",
        f"Command: `{r['command']}`  ",
        f"Machine: Python {r['machine']['python']}, {r['machine']['platform']}, "
        f"{r['machine']['cpus']} CPUs",
        "",
        "| figure | value |",
        "|---|---|",
        f"| users at once | {r['users']['total']} ({r['users'].get('question', 0)} asking, "
        f"{r['users'].get('concern', 0)} concern flow, {r['users'].get('report', 0)} report "
        f"flow with a photo; {r['users']['double_tap_submit']} double-tap Submit) |",
        f"| questions in / out of scope | {r['questions']['in_scope']} / "
        f"{r['questions']['out_of_scope']} |",
        f"| wall time | {r['wall_seconds']} s (users done after "
        f"{r['users_finished_after_seconds']} s) |",
        f"| bot runs (2 SIGKILLs) | {r['bot_runs']}, start-up "
        f"{', '.join(map(str, r['bot_startup_seconds']))} s; "
        f"SIGTERM exit {r['bot_exit_code_on_sigterm']} |",
        f"| faults injected ({r['faults_total']}) | {faults} |",
        f"| updates answered | {r['updates_answered']} / {r['updates_pushed']} (unanswered "
        f"pushed ≤15 s before a kill: {r['unanswered_pushed_within_15s_before_a_kill']}) |",
        f"| button presses answered | {r['callback_queries'] - r['callback_queries_not_answered']}"
        f" / {r['callback_queries']} |",
        f"| reply latency p50 / p90 / p99 / max | {r['reply_latency_seconds']['p50']} / "
        f"{r['reply_latency_seconds']['p90']} / {r['reply_latency_seconds']['p99']} / "
        f"{r['reply_latency_seconds']['max']} s |",
        f"| reply latency away from the kills (sent 3 s before to 5 s after one excluded: "
        f"{r['replies_around_kills']}) p50 / p99 | "
        f"{r['reply_latency_seconds_away_from_kills']['p50']} / "
        f"{r['reply_latency_seconds_away_from_kills']['p99']} s |",
        f"| messages sent: busiest second / seconds at Telegram's 30 a second | "
        f"{r['messages_sent_per_second']['busiest_second']} / "
        f"{r['messages_sent_per_second']['seconds_at_telegram_limit']} |",
        f"| flows restarted after a lost reply | {r['flow_restarts_after_lost_reply']} |",
        f"| submissions: pressed Submit / saw reference / rows / duplicates | "
        f"{s['users_pressed_submit']} / {s['users_saw_reference']} / {s['rows']} / "
        f"{len(s['duplicates'])} |",
        f"| outbox: rows / sent / missing / duplicated deliveries | {o['rows']} / {o['sent']} / "
        f"{len(o['missing_deliveries'])} / {len(o['duplicate_deliveries'])} |",
        f"| staff `cases ack` via CLI | {r['staff_cli_acks']} |",
        "",
        "Reply latency runs from a user's send to the first message back. Where the bot spent "
        "seconds at Telegram's limit of about 30 messages a second (kept by the bot's rate "
        "limiter, as on Telegram), users were asking for more than Telegram lets a bot send, "
        "and latency there is the wait for that limit. A fault on getUpdates stalls every "
        "user for 1 to 1.5 s (PTB's updater backs off), and a SIGKILL for the restart.",
        "",
        "| check | result |",
        "|---|---|",
        *[f"| {k.replace('_', ' ')} | {'yes' if ok else '**no**'} |" for k, ok in v.items()],
        "",
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--fault-rate", type=float, default=0.03)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--ramp", type=float, default=10.0, help="seconds to start all users")
    parser.add_argument(
        "--think", type=float, default=THINK, help="seconds between one user's actions"
    )
    parser.add_argument(
        "--round-trip-ms", type=int, default=0, help="how long the fake takes over each call"
    )
    parser.add_argument(
        "--kill-at",
        type=float,
        nargs="*",
        default=[18.0, 40.0],
        help="seconds into the run to SIGKILL and restart the bot",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks")
    args = parser.parse_args()
    results = asyncio.run(soak(args))
    (args.out / "soak-results.json").write_text(json.dumps(results, indent=2) + "\n")
    (args.out / "SOAK.md").write_text(markdown(results))
    print(markdown(results))
    print(
        json.dumps(
            {
                k: results[k]
                for k in (
                    "submissions",
                    "outbox",
                    "unanswered",
                    "bot_log_errors",
                    "bot_log_exceptions",
                )
            },
            indent=1,
        )[:6000]
    )
    return 0 if all(results["verdict"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
