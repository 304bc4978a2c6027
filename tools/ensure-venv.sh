#!/usr/bin/env bash
# Creates (or refreshes) a project-local Python virtualenv from a pinned requirements file.
# Idempotent and quiet when nothing changed, so `npm run local` and `npm test` can call it on every
# start. Two environments:
#   ensure-venv.sh            .venv: moto (the local AWS), cfn-lint, checkov, awscli (tools/requirements.txt)
#   ensure-venv.sh ministack  .venv/ministack: MiniStack (tools/requirements-ministack.txt), apart
#                             because its exact botocore pin conflicts with checkov's boto3 pin;
#                             inside .venv/ so it is git- and lint-ignored and goes away with it.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
case "${1:-tools}" in
  tools) venv="$root/.venv"; req="$root/tools/requirements.txt"; ready="$venv/bin/python"; minor=9
    what="moto, cfn-lint, checkov, awscli"; why="to run the local AWS emulator and template validators" ;;
  ministack) venv="$root/.venv/ministack"; req="$root/tools/requirements-ministack.txt"; ready="$venv/bin/ministack"; minor=10
    what="MiniStack"; why="for MiniStack" ;;
  *) echo "usage: ensure-venv.sh [tools|ministack]" >&2; exit 2 ;;
esac
stamp="$venv/.requirements.sha256"
want="$(sha256sum "$req" | cut -d' ' -f1)"
current() { [ -x "$ready" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; }
current && exit 0
command -v python3 >/dev/null || { echo "error: python3 (3.$minor or later) is required $why" >&2; exit 3; }
python3 -c "import sys; sys.exit(0 if sys.version_info >= (3, $minor) else 1)" \
  || { echo "error: $what needs Python 3.$minor or later ($(python3 --version))" >&2; exit 3; }
echo "setting up ${venv#"$root"/} ($what; first run only)..." >&2
mkdir -p "$(dirname "$venv")"
# Serialise concurrent first runs (npm test and npm run local started together, two jest workers).
exec 9>"$venv.lock"
flock 9
current && exit 0
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check --upgrade pip >&2
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$req" >&2
echo "$want" > "$stamp"
