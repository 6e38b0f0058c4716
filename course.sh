#!/usr/bin/env bash
# Set-up and entry point: creates .venv from pyproject.toml on first use (and
# again whenever pyproject.toml changes), then runs what was asked.
#   ./course.sh run    validate the bundled course (later: release, grade, gradebook)
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
# Learner code is graded only inside bubblewrap; install it where we can (as root, with apt).
if ! command -v bwrap >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing bubblewrap, the grading sandbox ..." >&2
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap; } >/dev/null 2>&1 \
      || echo "Could not install bubblewrap: grading will say it ran WITHOUT a sandbox." >&2
  else
    echo "bubblewrap (bwrap) is not installed: grading will run WITHOUT a sandbox (sudo apt-get install bubblewrap)." >&2
  fi
fi
export PATH="$venv/bin:$PATH"
# Kernels started by nbgrader must see this checkout's grader and reference.
export PYTHONPATH="$here${PYTHONPATH:+:$PYTHONPATH}"
export MPLBACKEND=Agg

cmd="${1:-run}"
shift || true
case "$cmd" in
  run)  exec dlcourse run course.yaml "$@" ;;
  test) exec python -m pytest "$@" ;;
  learner-env) exec python -m grader.learner_env "$@" ;;
  *)    exec dlcourse "$cmd" "$@" ;;
esac
