#!/usr/bin/env bash
# Creates (or reuses) the virtual environment of the Flower integration, outside the sources:
#   Integrations/flower/setup-venv.sh [VENV]      (default: $SEMCOM_FLOWER_VENV or ~/.cache/semcom/flower-venv)
# Installs this package with its pinned flwr (pyproject.toml) and pytest. Needs python3 >= 3.11 and PyPI.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
VENV="${1:-${SEMCOM_FLOWER_VENV:-$HOME/.cache/semcom/flower-venv}}"
PYTHON="${PYTHON:-python3}"
want=$(sed -n 's/.*"flwr==\([0-9.]*\)".*/\1/p' "$HERE/pyproject.toml")
if [ -x "$VENV/bin/python" ] && (cd / && "$VENV/bin/python" -c "import flwr, semcom_flower, pytest, sys; sys.exit(flwr.__version__ != '$want')") 2>/dev/null; then
    echo "flower venv: reusing $VENV (flwr $want)"
    exit 0
fi
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "setup-venv.sh: python3 >= 3.11 needed" >&2; exit 2; }
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
export PIP_DISABLE_PIP_VERSION_CHECK=1
timeout 900 "$VENV/bin/pip" install --quiet -e "$HERE[test]"
echo "flower venv: installed flwr $want into $VENV"
