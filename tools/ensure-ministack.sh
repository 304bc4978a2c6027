#!/usr/bin/env bash
# MiniStack's own virtualenv (.venv/ministack); see tools/ensure-venv.sh. test/ministack runs it first.
exec bash "$(dirname "$0")/ensure-venv.sh" ministack
