"""Speed, cost growth and quality figures, run on demand (`make bench`), never as timed
assertions in tests. Writes BENCHMARKS.md and benchmarks/results.json.

Every figure is measured in the same run as the baselines it is compared with, and reported
as a ratio, because these machines are noisy: absolute times move, ratios hold."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from knowledge.audience import audience_of  # noqa: E402
from knowledge.curated import Curated  # noqa: E402
from knowledge.encoder import DEFAULT_ENCODER, load_encoder  # noqa: E402
from knowledge.evaluation import (  # noqa: E402
    Question,
    bm25_predictor,
    evaluate,
    load_questions,
    matcher_predictor,
    score,
    wratio_predictor,
)
from knowledge.matcher import Matcher  # noqa: E402
from knowledge.policy import Policy  # noqa: E402
from knowledge.safeguarding_eval import load_labelled, score_triage  # noqa: E402
from knowledge.school import Knowledge, load_knowledge  # noqa: E402

DATA = ROOT / "tests" / "data"
QUALITY_SETS = ("dev_questions.jsonl", "heldout_questions.jsonl", "heldout2_questions.jsonl")
# Encoders compared side by side: none (words only), the shipped one, and any candidates
# `make encoders` built into benchmarks/encoders/.
CANDIDATES = ROOT / "benchmarks" / "encoders"
# What each kind of encoder needs installed besides policybot's other dependencies.
RUNTIME_PACKAGES = {
    "onnx": ("onnxruntime", "tokenizers", "huggingface-hub"),
    "static": ("model2vec", "tokenizers", "huggingface-hub", "safetensors", "joblib", "tqdm"),
}
SCALES = (1, 10, 100)  # 1000x of the widened answers is ~3 million documents: minutes to build
USERS, MESSAGES_EACH = 60, 5


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def summary(samples: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(statistics.median(samples), 3),
        "p99_ms": round(percentile(samples, 0.99), 3),
        "n": len(samples),
    }


def latencies(fn: Callable[[str], object], questions: list[str]) -> dict[str, float]:
    for question in questions:  # warm caches the way a running bot has them
        fn(question)
    samples, cpu = [], []
    for _ in range(3):
        for question in questions:
            start, start_cpu = time.perf_counter(), time.process_time()
            fn(question)
            samples.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
    # CPU time is what the question itself cost; wall time adds waiting for a busy machine.
    return {**summary(samples), "cpu_p50_ms": round(statistics.median(cpu), 3)}


def rss_mb(pid: int | str = "self") -> float:
    """Resident memory of a process now (VmRSS), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


# -- knowledge bases 10x, 100x, 1000x larger ------------------------------------------------
def scaled_curated(knowledge: Knowledge, times: int, rng: random.Random) -> Curated:
    """`times` copies of every curated entry, each copy's phrasings reordered and given a
    distinguishing word, so the index really grows rather than repeating itself."""
    entries = []
    for copy in range(times):
        for entry in knowledge.curated.entries:
            phrasings = []
            for question in entry.questions:
                words = question.split()
                if copy:
                    rng.shuffle(words)
                    words.append(f"topic{copy}x{rng.randint(0, 999)}")
                phrasings.append(" ".join(words))
            entries.append(
                dataclasses.replace(entry, id=f"{entry.id}-{copy}", questions=tuple(phrasings))
            )
    return Curated(tuple(entries), knowledge.curated.out_of_scope)


def scaled_policy(policy: Policy, times: int) -> Policy:
    """The policy's sections repeated: the baselines' passages grow as the KB does."""
    return dataclasses.replace(policy, sections=policy.sections * times)


def matcher_at_scales(knowledge: Knowledge, questions: list[str]) -> list[dict]:
    """The lexical layer as the knowledge base grows; the semantic layer's cost per question
    is one encoding (constant) plus a matrix product over the phrasings (linear, measured
    at 1x in the encoder comparison)."""
    rng = random.Random(7)
    rows = []
    for times in SCALES:
        start = time.perf_counter()
        matcher = Matcher(knowledge.policy, scaled_curated(knowledge, times, rng))
        build = time.perf_counter() - start
        row = {
            "scale": times,
            "documents": len(matcher._index.docs),
            "build_s": round(build, 2),
            "policybot": latencies(matcher.match, questions),
        }
        if times <= 100:  # the baselines scan every passage: 1000x would take minutes
            policy = scaled_policy(knowledge.policy, times)
            for name, predictor in (
                ("wratio-passages", wratio_predictor(policy)),
                ("bm25-passages", bm25_predictor(policy)),
            ):
                row[name] = latencies(lambda t, p=predictor: p(Question("", t, ())), questions)
        rows.append(row)
        print(f"scale {times}x: {row}", flush=True)
    return rows


# -- end to end through the real Application and a local Bot API -----------------------------
E2E_SCRIPTS = (
    "whatsapp rules?",
    "/concern",
    "/cancel",
    "can i film the nativity",
    "what counts as cyberbullying",
)
ROUND_TRIPS_MS = (0, 50, 150)
# Throughput: USERS people at once, each sending MESSAGES_EACH messages.
# Busy evening: that many parents at once, one question each, at a 150 ms round trip, with
# the rate limiter on (Telegram's 30 messages a second) as `policybot run` has it.
BUSY_EVENINGS = (60, 300)
EVENING_ROUND_TRIP_MS = 150


BENCH_TOKEN = "123456:BENCH"


def run_bot_process(api_url: str, db_path: str, max_in_flight: int, telegram_limits: bool) -> None:
    """The bot in a process of its own, as `policybot run` is: the fake Bot API's threads
    then do not compete with it for the GIL. Stops on SIGTERM."""
    import signal

    from bot.flood_limit import ChatRateLimit
    from bot.telegram_app import ALLOWED_UPDATES, build_application
    from handlers.engine import Engine
    from storage.db import open_database

    engine = Engine(load_knowledge(), open_database(db_path))
    engine.knowledge.matcher.match("warm up")  # the index is built on first use
    application = build_application(
        BENCH_TOKEN,
        engine,
        api_base_url=api_url,
        telegram_limits=telegram_limits,
        max_in_flight=max_in_flight,
        rate_limit=ChatRateLimit(per_second=1000, burst=1000),
    )
    application.run_polling(
        poll_interval=0,
        timeout=1,
        allowed_updates=ALLOWED_UPDATES,
        stop_signals=(signal.SIGTERM,),
    )


async def serve_burst(
    *,
    users: int,
    messages_each: int,
    round_trip_ms: int,
    max_in_flight: int,
    telegram_limits: bool,
) -> dict:
    """`users` chats each send `messages_each` messages (questions, and /concern and
    /cancel, which write flow state) in one burst to the bot over HTTP; the fake Bot API
    answers every call after `round_trip_ms`. Reply latency runs from the moment a person
    sends to the moment their reply reaches the Bot API, so the wait in the queue, the
    getUpdates round trip and the send's round trip are all counted."""
    import multiprocessing

    from tests.fake_bot_api import FakeBotApi

    with (
        tempfile.TemporaryDirectory() as folder,
        FakeBotApi(BENCH_TOKEN, delay=round_trip_ms / 1000) as server,
    ):
        bot = multiprocessing.get_context("spawn").Process(
            target=run_bot_process,
            args=(server.url, str(Path(folder) / "bench.db"), max_in_flight, telegram_limits),
        )
        bot.start()
        await server.wait_for_calls("setMyCommands", 1, timeout=120)  # started
        rest, load = rss_mb(bot.pid), os.getloadavg()[0]
        sent_at: dict[int, list[float]] = {}
        start = time.monotonic()
        for round_ in range(messages_each):
            for user in range(1, users + 1):
                server.push_message(10_000 + user, E2E_SCRIPTS[round_ % len(E2E_SCRIPTS)])
                sent_at.setdefault(10_000 + user, []).append(time.monotonic())
        total = users * messages_each
        await server.wait_for_calls("sendMessage", total, timeout=900)
        loaded = rss_mb(bot.pid)
        bot.terminate()
        await asyncio.to_thread(bot.join, 60)
    replies: dict[int, list[float]] = {}
    for call in server.calls("sendMessage"):
        replies.setdefault(int(call.params["chat_id"]), []).append(call.answered_at)
    waits = [
        (replies[chat][k] - pushed) * 1000
        for chat, times in sent_at.items()
        for k, pushed in enumerate(times)
    ]
    elapsed = max(max(times) for times in replies.values()) - start
    return {
        "users": users,
        "updates": total,
        "round_trip_ms": round_trip_ms,
        "max_in_flight": max_in_flight,
        "telegram_rate_limiter": telegram_limits,
        "all_answered_s": round(elapsed, 2),
        "updates_per_second": round(total / elapsed, 1),
        "reply_including_queue": summary(waits),
        "rss_mb_at_rest": rest,
        "rss_mb_under_load": loaded,
        "machine_load_average": round(load, 1),  # other work on a shared machine
    }


def end_to_end() -> dict:
    """Throughput at 0, 50 and 150 ms round trips, per-chat ordered and concurrent beside
    one update at a time (measured in the same run); then the busy evenings."""
    from bot.update_processor import MAX_IN_FLIGHT

    throughput = []
    for round_trip_ms in ROUND_TRIPS_MS:
        for max_in_flight in (1, MAX_IN_FLIGHT):
            row = asyncio.run(
                serve_burst(
                    users=USERS,
                    messages_each=MESSAGES_EACH,
                    round_trip_ms=round_trip_ms,
                    max_in_flight=max_in_flight,
                    telegram_limits=False,
                )
            )
            print(f"end to end: {row}", flush=True)
            throughput.append(row)
    evenings = []
    for parents in BUSY_EVENINGS:
        for max_in_flight in (
            (1, MAX_IN_FLIGHT) if parents == BUSY_EVENINGS[0] else (MAX_IN_FLIGHT,)
        ):
            row = asyncio.run(
                serve_burst(
                    users=parents,
                    messages_each=1,
                    round_trip_ms=EVENING_ROUND_TRIP_MS,
                    max_in_flight=max_in_flight,
                    telegram_limits=True,
                )
            )
            print(f"busy evening: {row}", flush=True)
            evenings.append(row)
    return {"throughput": throughput, "busy_evenings": evenings}


def cold_start_seconds() -> float:
    """A new process: import, parse the policy, build the matcher, answer one question."""
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "bot", "ask", "whatsapp rules?", "--json"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    )
    return round(time.perf_counter() - start, 3)


def ask_batch_seconds(questions: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--json", "-"],
        cwd=ROOT,
        input="\n".join(questions) + "\n",
        capture_output=True,
        text=True,
        check=True,
    )
    return round(time.perf_counter() - start, 3)


def quality(knowledge: Knowledge) -> dict[str, list[dict]]:
    words_only = [("words-only", Matcher(knowledge.policy, knowledge.curated))]
    return {
        name: [
            s.summary()
            for s in evaluate(knowledge.matcher, load_questions(DATA / name), words_only)
        ]
        for name in QUALITY_SETS
        if (DATA / name).is_file()
    }


# -- encoders side by side -------------------------------------------------------------------
def encoder_folders() -> list[Path | None]:
    candidates = sorted(p for p in CANDIDATES.glob("*") if p.is_dir())
    return [None, DEFAULT_ENCODER, *candidates]


_COLD = """
import json, sys, time
start = time.perf_counter()
from pathlib import Path
from knowledge.encoder import load_encoder
from knowledge.matcher import Matcher
from knowledge.school import load_sources
folder = sys.argv[1]
_, policy, curated = load_sources()
matcher = Matcher(policy, curated, load_encoder(Path(folder)) if folder else None)
matcher.match("whatsapp rules?", "parent")
seconds = time.perf_counter() - start
rss = next(l for l in open("/proc/self/status") if l.startswith("VmRSS:")).split()[1]
print(json.dumps({"seconds": seconds, "rss_mb": int(rss) / 1024}))
"""


def cold_start(folder: Path | None, cache: Path) -> dict:
    """A new process: import, load the encoder, embed (or read the cache), answer one."""
    env = {**os.environ, "POLICYBOT_CACHE_DIR": str(cache)}
    out = subprocess.run(
        [sys.executable, "-c", _COLD, str(folder or "")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = json.loads(out.splitlines()[-1])
    return {key: round(value, 3) for key, value in found.items()}


def installed_mb(packages: tuple[str, ...], folder: Path | None) -> float:
    """What the encoder adds to an install: its runtime packages and its model files."""
    from importlib.metadata import PackageNotFoundError, distribution

    total = 0
    for name in packages:
        try:
            files = distribution(name).files or []
        except PackageNotFoundError:
            continue
        total += sum(f.locate().stat().st_size for f in files if f.locate().is_file())
    if folder:
        total += sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())
    return round(total / 2**20, 1)


def encoders(knowledge: Knowledge, questions: list[str]) -> list[dict]:
    sets = {name: load_questions(DATA / name) for name in QUALITY_SETS if (DATA / name).is_file()}
    rows = []
    for folder in encoder_folders():
        encoder = load_encoder(folder) if folder else None
        matcher = Matcher(knowledge.policy, knowledge.curated, encoder)
        kind = encoder.name.split(":")[0] if encoder else None
        with tempfile.TemporaryDirectory() as cache:
            first = cold_start(folder, Path(cache))
            cached = cold_start(folder, Path(cache))
        row = {
            "encoder": encoder.name if encoder else "none (words only)",
            "shipped": folder == DEFAULT_ENCODER,
            "quality": {
                name: score("policybot", matcher_predictor(matcher), qs).summary()
                for name, qs in sets.items()
            },
            "latency": latencies(lambda q, m=matcher: m.match(q, audience_of(q)), questions),
            "cold_start_first_run_s": first["seconds"],
            "cold_start_s": cached["seconds"],
            "rss_mb": cached["rss_mb"],
            "install_mb": installed_mb(RUNTIME_PACKAGES.get(kind, ()), folder) if kind else 0.0,
        }
        rows.append(row)
        print(f"encoder {row['encoder']}: {row}", flush=True)
    return rows


def machine() -> dict:
    return {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "system": platform.system(),
        "processor": platform.processor() or "unknown",
        # The machine is shared: other work running at the time slows every figure.
        "load_average_1_5_15": [round(x, 2) for x in os.getloadavg()],
    }


def end_to_end_report(e2e: dict) -> list[str]:
    def mode(row: dict) -> str:
        if row["max_in_flight"] == 1:
            return "one at a time"
        return f"per-chat ordered, {row['max_in_flight']} in flight"

    first = e2e["throughput"][0]
    lines = [
        "## End to end: `policybot run`'s Application against a local Bot API",
        "",
        f"{first['users']} people at once, {first['updates']} updates in one burst "
        "(questions, /concern, /cancel) to the bot, in a process of its own; the fake Bot API "
        "answers each call after the round trip shown. The bot's Telegram rate limiter is "
        "off, so the bot is what is measured. "
        "Reply latency runs from the moment a person sends to the moment their reply reaches "
        "the Bot API: queue wait and both round trips included.",
        "",
        "| round trip | processing | updates/s | all answered s | reply p50 ms | reply p99 ms "
        "| bot RSS under load MB | machine load average |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in e2e["throughput"]:
        latency = row["reply_including_queue"]
        lines.append(
            f"| {row['round_trip_ms']} ms | {mode(row)} | {row['updates_per_second']} | "
            f"{row['all_answered_s']} | {latency['p50_ms']:.0f} | {latency['p99_ms']:.0f} | "
            f"{row['rss_mb_under_load']} | {row['machine_load_average']} |"
        )
    lines += [
        "",
        f"### A busy evening: parents at once, one question each, {EVENING_ROUND_TRIP_MS} ms a "
        "call, the rate limiter on (Telegram's 30 messages a second, as `policybot run` has it)",
        "",
        "| parents | processing | all answered s | reply p50 ms | reply p99 ms | target "
        "| machine load average |",
        "|---|---|---|---|---|---|---|",
    ]
    targets = {60: 3.0, 300: 12.0}
    for row in e2e["busy_evenings"]:
        latency, target = row["reply_including_queue"], targets.get(row["users"])
        verdict = "—"
        if target and row["max_in_flight"] > 1:
            verdict = (
                f"≤ {target:g} s: {'met' if row['all_answered_s'] <= target else '**missed**'}"
            )
        lines.append(
            f"| {row['users']} | {mode(row)} | {row['all_answered_s']} | "
            f"{latency['p50_ms']:.0f} | {latency['p99_ms']:.0f} | {verdict} | "
            f"{row['machine_load_average']} |"
        )
    lines.append("")
    return lines


def report(results: dict) -> str:
    lines = [
        "# Benchmarks",
        "",
        f"Command: `make bench` (`python benchmarks/run.py`). Machine: {results['machine']}.",
        "",
        "## Matcher latency as the knowledge base grows (same run, same questions)",
        "",
        "| scale | documents | policybot p50 / p99 ms | wratio p99 ms | bm25 p99 ms | "
        "p99 vs wratio | p99 vs bm25 |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in results["scales"]:
        ours = row["policybot"]
        cells = [f"{row['scale']}x", str(row["documents"]), f"{ours['p50_ms']} / {ours['p99_ms']}"]
        if "wratio-passages" in row:
            w, b = row["wratio-passages"]["p99_ms"], row["bm25-passages"]["p99_ms"]
            cells += [str(w), str(b), f"{ours['p99_ms'] / w:.2f}x", f"{ours['p99_ms'] / b:.2f}x"]
        else:
            cells += ["—", "—", "—", "—"]
        lines.append("| " + " | ".join(cells) + " |")
    lines += [
        "",
        "Baselines are not run beyond 100x (they scan every passage per question). These rows "
        "are the lexical layer (words only); the semantic layer adds one encoding per "
        "question and a product over the phrasings, measured below.",
        "",
        "## Encoders side by side (same run)",
        "",
        "Quality is `policybot eval`'s on each set (dev: part of what the decision was fitted "
        "on; held-out: never read by the fitting). Latency is per question through "
        "`Matcher.match` (dev + held-out questions, 3 rounds). Cold start is a new process "
        "to its first answer: the first run embeds the knowledge base, later runs read the "
        "embeddings cached by content hash. Install is the encoder's runtime packages and "
        "model files.",
        "",
        "| encoder | set | top-1 | OOS declined | in-scope declined | confident wrong | "
        "one tap | p50 / p99 ms (CPU p50) | cold start s (first run) | RSS MB | install MB |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in results["encoders"]:
        name = row["encoder"] + (" **shipped**" if row["shipped"] else "")
        lat = row["latency"]
        for set_name, q in row["quality"].items():
            lines.append(
                f"| {name} | {set_name.removesuffix('_questions.jsonl')} | "
                f"{q['top1_in_scope']} | {q['out_of_scope_declined']} | "
                f"{q['in_scope_declined']} | {q['confident_wrong']} | "
                f"{q['right_within_one_tap']} | {lat['p50_ms']} / {lat['p99_ms']} "
                f"({lat['cpu_p50_ms']}) | "
                f"{row['cold_start_s']} ({row['cold_start_first_run_s']}) | {row['rss_mb']} | "
                f"{row['install_mb']} |"
            )
    lines += ["", "## Answer quality (`policybot eval`, same run)", ""]
    columns = (
        "top1_in_scope",
        "out_of_scope_declined",
        "in_scope_declined",
        "confident_wrong",
        "right_within_one_tap",
        "clarified",
    )
    for name, rows in results["quality"].items():
        lines += [
            f"**{name}**",
            "",
            "| system | top-1 | OOS declined | in-scope declined | confident wrong | one tap "
            "| did you mean |",
            "|---|---|---|---|---|---|---|",
        ]
        lines += [
            f"| {r['system']} | " + " | ".join(str(r[c]) for c in columns) + " |" for r in rows
        ]
        lines.append("")
    lines += end_to_end_report(results["end_to_end"])
    lines += [
        "## Start-up",
        "",
        f"- cold start to first answer (`policybot ask`, new process): "
        f"{results['cold_start_s']} s",
        f"- `policybot ask --json -` on 1,000 questions, start-up included: "
        f"{results['ask_batch_1000_s']} s",
        "",
    ]
    return "\n".join(lines)


SAFEGUARDING_SETS = (
    "safeguarding_train.jsonl",
    "safeguarding_fresh.jsonl",
    "safeguarding_heldout.jsonl",
)


def safeguarding_triage() -> dict[str, dict]:
    """Recall and false alarms of the safeguarding triage on each labelled set present."""
    return {
        name: score_triage(load_labelled(DATA / name)).summary()
        for name in SAFEGUARDING_SETS
        if (DATA / name).exists()
    }


def safeguarding_report(triage: dict[str, dict]) -> str:
    lines = [
        "## Safeguarding triage (`policybot eval tests/data/safeguarding_*.jsonl`, same run)",
        "",
        "Targets: recall >= 0.98, false alarms <= 0.05. The train set is the one the rules "
        "were written against; the held-out set was written separately and never tuned on.",
        "",
        "| set | recall | false alarms | disclosures | near-misses |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {name} | {r['recall']} | {r['false_alarms']} | {r['disclosures']} | "
        f"{r['near_misses']} |"
        for name, r in triage.items()
    ]
    return "\n".join([*lines, ""])


def main() -> None:
    knowledge = load_knowledge()
    dev = [q.question for q in load_questions(DATA / "dev_questions.jsonl")]
    heldout = [q.question for q in load_questions(DATA / "heldout_questions.jsonl")]
    questions = dev + heldout
    results = {
        "machine": machine(),
        "command": "make bench",
        "quality": quality(knowledge),
        "encoders": encoders(knowledge, questions),
        "safeguarding": safeguarding_triage(),
        "end_to_end": end_to_end(),
        "cold_start_s": cold_start_seconds(),
        "ask_batch_1000_s": ask_batch_seconds((questions * 6)[:1000]),
        "scales": matcher_at_scales(knowledge, questions),
    }
    (ROOT / "benchmarks" / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    text = report(results) + "\n" + safeguarding_report(results["safeguarding"])
    (ROOT / "BENCHMARKS.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
