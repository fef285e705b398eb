"""Speed figures, run on demand (`make bench`), never as timed assertions in tests.

Writes benchmarks/results.json and BENCHMARKS.md: matcher latency per question (p50/p99)
beside the two eval baselines measured in the same run, and `policybot ask --json -` over
1,000 questions with start-up included."""

from __future__ import annotations

import json
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from knowledge.evaluation import (  # noqa: E402
    bm25_predictor,
    load_questions,
    wratio_predictor,
)
from knowledge.school import load_knowledge  # noqa: E402

DEV = ROOT / "tests" / "data" / "dev_questions.jsonl"


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def latencies(fn, questions: list[str], rounds: int = 5) -> dict[str, float]:
    for question in questions:  # warm caches the way a running bot would have them
        fn(question)
    samples = []
    for _ in range(rounds):
        for question in questions:
            start = time.perf_counter()
            fn(question)
            samples.append((time.perf_counter() - start) * 1000)
    return {"p50_ms": round(statistics.median(samples), 3),
            "p99_ms": round(percentile(samples, 0.99), 3), "n": len(samples)}


def ask_batch_seconds(questions: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "bot", "ask", "--json", "-"], cwd=ROOT,
                   input="\n".join(questions) + "\n", capture_output=True, text=True,
                   check=True)
    return round(time.perf_counter() - start, 3)


def main() -> None:
    knowledge = load_knowledge()
    dev = [q.question for q in load_questions(DEV)]
    phrasings = [q for entry in knowledge.curated.entries for q in entry.questions]
    questions = (dev + phrasings)[:400]
    systems = {
        "policybot": knowledge.matcher.match,
        "wratio-passages": wratio_predictor(knowledge.policy),
        "bm25-passages": bm25_predictor(knowledge.policy),
    }
    results = {name: latencies(fn, questions) for name, fn in systems.items()}
    thousand = (dev * 13)[:1000]
    results["ask_json_batch_1000_seconds"] = ask_batch_seconds(thousand)
    machine = {"python": platform.python_version(), "machine": platform.machine(),
               "processor": platform.processor() or "unknown",
               "cpus": __import__("os").cpu_count()}
    output = {"machine": machine, "results": results, "command": "make bench"}
    (ROOT / "benchmarks" / "results.json").write_text(json.dumps(output, indent=2) + "\n")
    lines = [
        "# Benchmarks", "", f"Command: `make bench`. Machine: {machine}.", "",
        "| system | p50 ms | p99 ms | samples | p99 vs policybot |", "|---|---|---|---|---|",
    ]
    ours = results["policybot"]["p99_ms"]
    for name in systems:
        row = results[name]
        lines.append(f"| {name} | {row['p50_ms']} | {row['p99_ms']} | {row['n']} | "
                     f"{row['p99_ms'] / ours:.2f}× |")
    lines += ["", f"`policybot ask --json -` on 1,000 questions, start-up included: "
              f"{results['ask_json_batch_1000_seconds']} s", ""]
    (ROOT / "BENCHMARKS.md").write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
