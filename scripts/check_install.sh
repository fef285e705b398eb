#!/usr/bin/env bash
# Install check, run by `make test`: build the wheel, install it WITHOUT extras into a fresh
# venv, and run the commands a school's IT person would, from outside the source tree.
# Fails on a missing run-time dependency, a missing package-data file or an install warning.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-python3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$src/.venv/bin/python" -m pip wheel --quiet --no-deps --wheel-dir "$work/dist" "$src" \
    2>"$work/build.log" || { cat "$work/build.log"; exit 1; }
if grep -iE "deprecat|setuptools.*warn" "$work/build.log"; then
    echo "check_install: the build printed warnings (above)" >&2
    exit 1
fi
"$python" -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet "$work"/dist/policybot-*.whl 2>"$work/install.log" \
    || { cat "$work/install.log"; exit 1; }
if grep -iE "deprecat|setuptools.*warn" "$work/install.log"; then
    echo "check_install: the install printed warnings (above)" >&2
    exit 1
fi

cd "$work"  # outside the source tree: only the installed package can be imported
export POLICYBOT_DB="$work/var/policybot.db"
bot="$work/venv/bin/policybot"
"$bot" --version
answer=$("$bot" ask "can I share photos from sports day?")
grep -q "6" <<<"$answer"
printf 'whatsapp rules?\nwhat time is the school run\n' | "$bot" ask --json - >"$work/answers.jsonl"
[ "$(wc -l <"$work/answers.jsonl")" -eq 2 ]
"$work/venv/bin/python" -c '
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
assert rows[0]["answered"] and rows[0]["section"], rows[0]
assert not rows[1]["answered"], rows[1]
' "$work/answers.jsonl"
printf '/start\n/help\n' | "$bot" chat >"$work/chat.txt"
grep "\[1\]" "$work/chat.txt" >/dev/null
"$bot" doctor
"$work/venv/bin/python" -c "import bot.web"  # the console's dependencies are declared
echo "check_install: wheel installs without extras; ask, ask --json -, chat, doctor and the console import"
