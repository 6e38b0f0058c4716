#!/usr/bin/env bash
# Set-up and entry point: creates .venv from pyproject.toml on first use (and
# again whenever pyproject.toml changes), then runs what was asked.
#   ./course.sh run [FILE]   the main job (on course.yaml, or FILE): validate, release, grade, gradebook
#   ./course.sh test   the whole test suite
#   ./course.sh learner-env DIR   a learner's environment (no answers) at DIR
#   ./course.sh <dlcourse arguments>   any other dlcourse command
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
venv="$here/.venv"
stamp="$venv/.installed-from"
want="$(sha256sum pyproject.toml | cut -d' ' -f1)"

if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "Setting up $venv (first run, or pyproject.toml changed) ..." >&2
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --upgrade pip
  "$venv/bin/python" -m pip install --quiet -e ".[test]"
  echo "$want" > "$stamp"
fi
# Debian packages the project needs (installed as root with apt where missing):
# bubblewrap, the grading sandbox; for the tests also Chromium and its driver (the browser tests).
apt_ensure() {  # apt_ensure COMMAND PACKAGE... : install the packages unless COMMAND exists
  local command="$1"; shift
  command -v "$command" >/dev/null 2>&1 && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing $* ..." >&2
    if [ -z "${apt_updated:-}" ]; then apt-get update -qq >/dev/null 2>&1 || true; apt_updated=1; fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null 2>&1 \
      || echo "Could not install $*." >&2
  else
    echo "$command is not installed (sudo apt-get install $*)." >&2
  fi
}
apt_ensure bwrap bubblewrap
command -v bwrap >/dev/null 2>&1 || echo "Without bubblewrap, grading runs WITHOUT a sandbox and says so." >&2
if [ "${1:-run}" = test ]; then
  apt_ensure chromium chromium
  apt_ensure chromedriver chromium-driver
fi
export PATH="$venv/bin:$PATH"
# nbgrader_config.py and notebook kernels import this checkout's grader.
export PYTHONPATH="$here${PYTHONPATH:+:$PYTHONPATH}"
export MPLBACKEND=Agg

cmd="${1:-run}"
shift || true
case "$cmd" in
  run)  # the course file is optional: ./course.sh run, ./course.sh run my.yaml, ./course.sh run --work DIR
        if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then exec dlcourse run "$@"; else exec dlcourse run course.yaml "$@"; fi ;;
  # Two workers, each taking whole test files (so a file's expensive fixtures are built once);
  # DLCOURSE_TEST_WORKERS=0 runs everything in one process.
  test) exec python -m pytest -n "${DLCOURSE_TEST_WORKERS:-2}" --dist loadfile "$@" ;;
  learner-env) exec python -m grader.release.learner_env "$@" ;;
  *)    exec dlcourse "$cmd" "$@" ;;
esac
