#!/usr/bin/env bash
# Creates (or refreshes) the project-local Python virtualenv with the pinned tools in
# tools/requirements.txt: moto (the local AWS), cfn-lint, checkov and awscli. Idempotent and quiet
# when nothing changed, so `npm run local` and `npm test` can call it on every start.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/.venv"
req="$root/tools/requirements.txt"
stamp="$venv/.requirements.sha256"
want="$(sha256sum "$req" | cut -d' ' -f1)"
if [ -x "$venv/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
command -v python3 >/dev/null || { echo "error: python3 (3.9 or later) is required to run the local AWS emulator and template validators" >&2; exit 3; }
echo "setting up .venv (moto, cfn-lint, checkov, awscli; first run only)..." >&2
# Serialise concurrent first runs (npm test and npm run local started together).
exec 9>"$root/.venv.lock"
flock 9
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then exit 0; fi
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check --upgrade pip >&2
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$req" >&2
echo "$want" > "$stamp"
