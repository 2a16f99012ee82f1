# Sourced by scripts/demo and scripts/test: make the virtualenv and install
# the suite into it.  It reinstalls only when the packaging changed.
# shellcheck shell=bash

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV=${DEVICE_RETAIL_VENV:-$ROOT/.venv}
export PYTHONDONTWRITEBYTECODE=${PYTHONDONTWRITEBYTECODE:-1}

bootstrap_fail() {
    echo "$(basename "$0"): $*" >&2
    exit 2
}

# pip, without the notes about package index mirrors absent on this machine
pip_quiet() {
    "$VENV/bin/python" -m pip -q --disable-pip-version-check "$@" 2>&1 \
        | { grep -v "^WARNING: Location" || true; } >&2
    return "${PIPESTATUS[0]}"
}

bootstrap() {
    local python=${PYTHON:-}
    if [ -z "$python" ]; then
        python=$(command -v python3.11 || true)
    fi
    [ -n "$python" ] || bootstrap_fail \
        "Python 3.11 is missing: install it (Debian: apt-get install python3.11 python3.11-venv) or set PYTHON=/path/to/python3.11"
    if [ ! -x "$VENV/bin/python" ]; then
        echo "$(basename "$0"): creating the virtualenv in $VENV" >&2
        "$python" -m venv "$VENV" \
            || bootstrap_fail "could not create a virtualenv with $python: install python3.11-venv"
    fi
    local stamp="$VENV/.device-retail-install"
    local wanted
    wanted=$(cat "$ROOT/setup.cfg" "$ROOT/pyproject.toml" | sha256sum | cut -d' ' -f1)
    if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
        echo "$(basename "$0"): installing the suite and Tryton 8.0 into $VENV" >&2
        pip_quiet install --upgrade pip \
            || bootstrap_fail "pip could not upgrade itself (see above); check the network to the package index"
        pip_quiet install -e "$ROOT[test]" \
            || bootstrap_fail "pip could not install the suite (see above); check the network to the package index"
        echo "$wanted" > "$stamp"
    fi
    # trytond reads TRYTOND_DATABASE_URI only as a default; the double
    # underscore form wins over any configuration file.
    if [ -n "${TRYTOND_DATABASE_URI:-}" ]; then
        export TRYTOND_DATABASE__URI="$TRYTOND_DATABASE_URI"
    fi
}
