#!/bin/bash
# Is the softmodem fallback (T.38 off) recorded for a number? The same
# mod_db entry gofaxsend and gofaxd consult: `db exists/fallback/<number>`.
# Usage: fallback-check.sh NUMBER      exit 0: fallback set, 1: not set
set -euo pipefail
number=${1:?usage: fallback-check.sh NUMBER}
case "$number" in
    *[!0-9+]*) echo "fallback-check: error: bad number '$number'" >&2; exit 64 ;;
esac
answer=$(fax-esl api "db exists/fallback/$number")
[ "$answer" = "true" ]
