#!/bin/bash
# Several processes on one database lose nothing: three `policybot chat` sessions each
# submit N concerns while `policybot cases ack` acknowledges open ones beside them.
# Usage: N=15 benchmarks/two_processes.sh   (prints cases stored of those sent, and errors)
set -u
BIN=${POLICYBOT:-.venv/bin/policybot}
N=${N:-15}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export POLICYBOT_DB=$WORK/policybot.db
concerns() {
  for i in $(seq "$N"); do
    printf '%s\n' /concern "Something in my child's class" "Year 3" "A concern" \
      "The class WhatsApp group has become unkind, number $i." "A word with the class." \
      "Reply here in the chat" Submit
  done
}
open_refs() {
  "$BIN" cases list --json | python3 -c \
    'import json,sys; print(" ".join(c["reference"] for c in json.load(sys.stdin) if c["status"] == "open"))'
}
"$BIN" cases list --json >/dev/null  # create the database before the writers start
for parent in 1 2 3; do
  (concerns | "$BIN" chat --user "parent$parent" >/dev/null 2>"$WORK/chat$parent.err") &
done
while jobs -r | grep -q .; do
  for ref in $(open_refs); do
    "$BIN" cases ack "$ref" --as "class_teacher:Year 3" >/dev/null 2>>"$WORK/ack.err"
  done
done
wait
stored=$("$BIN" cases list --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
echo "cases stored: $stored of $((3 * N))"
echo "errors: $(cat "$WORK"/*.err | grep -c -i -e 'locked' -e 'Traceback')"
