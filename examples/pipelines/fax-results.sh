#!/bin/bash
# One tab-separated line per finished fax (sent or received), as FreeSWITCH
# reports it: time, direction, channel uuid, result code, text, pages.
# Runs until stopped; fax-esl reconnects by itself when FreeSWITCH restarts.
# Usage: fax-results.sh [fax-esl events options, e.g. --once]
set -euo pipefail
config=${FAXKIT_CONFIG:-/etc/gofax.conf}
fax-esl -c "$config" events "$@" CUSTOM spandsp::txfaxresult spandsp::rxfaxresult |
    jq --unbuffered -r '
        select(.type == "esl.event")
        | [.event_ts,
           (if .subclass == "spandsp::txfaxresult" then "sent" else "received" end),
           .uuid, .headers["fax-result-code"], .headers["fax-result-text"],
           .headers["fax-document-transferred-pages"]]
        | @tsv'
