#!/bin/bash
# Send a document with fax-send (standalone), retrying while the far end is
# busy or the fax breaks off, and print ONE summary line when it is over:
#
#   RESULT  NUMBER  PAGES  GATEWAY  TRIES  TEXT        (tab-separated)
#   sent    4930123456  3/3  gw1  1  OK
#   retry   4930111     0/0  gw1  4  USER_BUSY
#
# RESULT is sent, retry (not sent, may work later) or failed (will not work);
# TEXT is spandsp's result text, else the reason. The exit status is
# fax-send's: 0 sent, 1 failed, 75 not sent but worth retrying later, other
# codes for bad documents or configuration (see fax-send(1)).
#
# Usage: send-and-watch.sh NUMBER FILE...     (TIFF, PDF or PostScript)
# Environment: RETRIES (default 3) and RETRY_DELAY (default 2m) for
# fax-send's --retries and --retry-delay; FAXKIT_CONFIG as for every faxkit
# tool.
set -euo pipefail

if (($# < 2)); then
    echo "usage: send-and-watch.sh NUMBER FILE..." >&2
    exit 64
fi
number=$1
shift

# The records of every try arrive as JSON lines; keep the results (one per
# try), and print the last one with the number of tries.
summary='[inputs | select(.type == "fax.sent" or .type == "fax.failed")]
  | select(length > 0)
  | (last | [.status, .number, "\(.pages)/\(.total_pages)", .gateway]) + [length, (last | .result_text // .reason)]
  | @tsv'

rc=0
fax-send --retries "${RETRIES:-3}" --retry-delay "${RETRY_DELAY:-2m}" --to "$number" -- "$@" |
    jq -rn "$summary" || rc=$?
exit "$rc"
