#!/usr/bin/env bash
# Install, then simulate a short LIVE, find its highlights and cut the clips.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install.sh
exec .venv/bin/livehighlights demo "$@"
