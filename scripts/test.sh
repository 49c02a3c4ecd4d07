#!/usr/bin/env bash
# Install with the dev tools, lint, and run the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install.sh --dev
.venv/bin/ruff check src tests bench
exec .venv/bin/python -m pytest -q "$@"
