#!/usr/bin/env bash
# Creates (or refreshes) the virtualenv with the pinned MiniStack (tools/requirements-ministack.txt)
# in .venv/ministack/: a separate interpreter environment because ministack's exact botocore pin
# conflicts with checkov's exact boto3 pin in .venv. Inside .venv/ so it is git- and lint-ignored
# and goes away with it. Idempotent and quiet when nothing changed; test/ministack runs it first.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/.venv/ministack"
req="$root/tools/requirements-ministack.txt"
stamp="$venv/.requirements.sha256"
want="$(sha256sum "$req" | cut -d' ' -f1)"
if [ -x "$venv/bin/ministack" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
command -v python3 >/dev/null || { echo "error: python3 (3.10 or later) is required for MiniStack" >&2; exit 3; }
python3 -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' \
  || { echo "error: MiniStack needs Python 3.10 or later ($(python3 --version))" >&2; exit 3; }
echo "setting up .venv/ministack (MiniStack; first run only)..." >&2
mkdir -p "$root/.venv"
# Serialise concurrent first runs (two jest workers, or npm test next to a manual run).
exec 9>"$root/.venv/ministack.lock"
flock 9
if [ -x "$venv/bin/ministack" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then exit 0; fi
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$req" >&2
echo "$want" > "$stamp"
