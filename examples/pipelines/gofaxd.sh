#!/bin/bash
# gofaxd in a pipeline: receive faxes with fax-recv (FreeSWITCH hands each
# incoming call to `socket 127.0.0.1:8022 async full`; the faxes go to
# HylaFAX's recvq, faxrcvd runs as with gofaxd) and print ONE line per fax,
# received or not, from fax-recv's JSON records:
#
#   TIME  RESULT  COMMID  MODEM  FROM  NAME  TO  PAGES  FILE  TEXT   (tab-separated)
#   2026-11-23T17:58:45.111Z  received  000000002  freeswitch0  5552222  5552222  5550100  3  recvq/fax000000002.tif  OK
#
# RESULT is received, partial (failed, but the pages received are kept in
# FILE) or failed (FILE is "-"); TEXT is the reason, else spandsp's result.
# MODEM is empty without virtual modems ([hylafax] modems = 0).
#
# Usage: gofaxd.sh [fax-recv options]      e.g. gofaxd.sh -c /etc/gofax.conf
# Stop it with Ctrl-C, or with SIGTERM to its whole process group
# (kill -TERM -- -PGID; systemd's default KillMode does that): fax-recv lets
# the calls in progress finish, their lines are still printed, and the exit
# status is fax-recv's (0 after a stop; see fax-recv(1)). A second signal
# makes fax-recv hang up the remaining calls.
set -euo pipefail

# The shell waits for the pipeline instead of dying at the first signal.
trap : INT TERM

filter='select(.type == "fax.received" or .type == "fax.failed")
  | [.ts,
     (if .type == "fax.received" then "received" elif .partial then "partial" else "failed" end),
     .commid, .modem, .caller_number, .caller_name, .recipient, .pages, (.file // "-"),
     (if .reason != "" then .reason else (.result_text // "") end)]
  | @tsv'

# jq ignores SIGINT and SIGTERM, so that it prints the records fax-recv writes
# while it stops, and ends when fax-recv closes its output.
fax-recv "$@" | {
    trap '' INT TERM
    exec jq --unbuffered -r "$filter"
}
