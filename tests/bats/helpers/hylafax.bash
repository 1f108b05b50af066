# shellcheck shell=bash
# HF_*: used by the test files. stderr, output: set by bats' run.
# shellcheck disable=SC2034,SC2154
# Helpers that run the REAL HylaFAX+ 6.0.7 of Debian 12 (packages hylafax-server, hylafax-client) on a private
# spool per test: faxq and hfaxd on 127.0.0.1 and a free port, sendfax/faxstat as clients, virtual modems
# announced through the FIFO. Facts: ../shared/research/hylafax-integration.md (§0-§3, the two quirks).
# Load after helpers/common (wait_until, bats-support, bats-assert).
#
# Typical test:
#   setup()    { load helpers/common; load helpers/hylafax; hf_require; }
#   teardown() { hf_teardown; }
#   hf_setup_spool "SendFaxCmd: /path/to/fax-send"; hf_start; hf_modem_ready freeswitch0
#   id=$(hf_sendfax 5551234 "$DOC"); hf_wait_job "$id" D 15
#
# Needs root: faxq and hfaxd start as root and switch to effective uid uucp themselves. Everything
# faxq runs or reads (SendFaxCmd, its config, the spool) must be reachable by uucp: put such files
# in $HF_DIR (traversable by everyone) and files the SendFaxCmd writes in $HF_SCRATCH (owned by uucp).
# faxq and its SendFaxCmd inherit the environment of hf_start (export variables before it); glibc's
# secure-exec mode (real uid 0, effective uid 10) drops LD_* and TMPDIR for the SendFaxCmd.
#
# Syslog: HylaFAX logs only to syslog. With HF_SYSLOG=1 and no /dev/log on the machine, hf_start
# binds /dev/log itself and writes one datagram per line to $HF_SYSLOG_LOG; hf_stop removes it. /dev/log
# is machine-wide: while one test holds it, faxq of other tests running in parallel log there too and a
# second test cannot bind it (it then runs without capture). So it is off by default; use it to debug.

HF_FAXQ=/usr/sbin/faxq
HF_HFAXD=/usr/sbin/hfaxd
# Capabilities a virtual modem announces (gofaxip's value; fits 204x98/196 A4 jobs) and its priority.
HF_MODEM_CAPS=${HF_MODEM_CAPS:-pcbffff01:7f}
# faxstat's state letters indexed by the qfile's state: number (1 suspended ... 8 failed).
HF_STATE_LETTERS='?TPSBWRDF'
HF_UUCP_UID=$(id -u uucp 2>/dev/null || echo 10)
HF_UUCP_GID=$(id -g uucp 2>/dev/null || echo 10)

# hf_require: skip the test unless it runs as root; fail when HylaFAX is not installed.
hf_require() {
	HF_DIR='' HF_SPOOL='' HF_FAXQ_PID='' HF_HFAXD_PID='' HF_SYSLOG_PID=''
	if [[ $(id -u) -ne 0 ]]; then
		skip "HylaFAX tests need root: faxq and hfaxd must start as root to switch to the uucp user"
	fi
	local f
	for f in "$HF_FAXQ" "$HF_HFAXD" /usr/bin/sendfax /usr/bin/faxstat /etc/hylafax/setup.cache; do
		[[ -e "$f" ]] || fail "HylaFAX+ is not installed ($f missing): run scripts/install-deps.sh"
	done
	for f in setsid setpriv flock python3; do
		command -v "$f" >/dev/null || fail "$f is needed by the HylaFAX harness"
	done
}

# hf_setup_spool [extra etc/config lines...]: build a private spool (see hylafax-samples/mkspool.sh) in
# $BATS_TEST_TMPDIR/hylafax/spool with etc/ copied from /etc/hylafax and bin/ from the system spool;
# etc/config gets the dialing rules of the samples (CountryCode 1, AreaCode 555, ...), ServerTracing,
# MaxBatchJobs 1, a private UUCPLockDir (<spool>/lock) and the extra lines; etc/hosts.hfaxd lets every
# user in from 127.0.0.1 without a password. Opens the directories above for uucp and checks that
# uucp can reach the spool. Sets HF_DIR (0755, root), HF_SPOOL, HF_SCRATCH (0755, owned by uucp),
# HF_PORT (free TCP port for hfaxd), HF_HOST (127.0.0.1:port), HF_FAXQ_LOG, HF_HFAXD_LOG, HF_SYSLOG_LOG.
hf_setup_spool() {
	HF_DIR="$BATS_TEST_TMPDIR/hylafax"
	mkdir -p "$HF_DIR"
	HF_DIR=$(cd "$HF_DIR" && pwd -P)
	HF_SPOOL="$HF_DIR/spool"
	HF_SCRATCH="$HF_DIR/scratch"
	HF_FAXQ_LOG="$HF_DIR/faxq.log"
	HF_HFAXD_LOG="$HF_DIR/hfaxd.log"
	HF_SYSLOG_LOG="$HF_DIR/syslog.log"
	local d
	mkdir -p "$HF_SPOOL" "$HF_SCRATCH"
	for d in archive bin client config dev docq doneq etc info log lock pollq recvq sendq status tmp; do
		mkdir -p "$HF_SPOOL/$d"
	done
	cp -a /etc/hylafax/. "$HF_SPOOL/etc/"
	cp -a /var/spool/hylafax/bin/. "$HF_SPOOL/bin/"
	{
		printf '\n# faxkit test harness (tests/bats/helpers/hylafax.bash)\n'
		printf 'CountryCode:\t\t1\nAreaCode:\t\t555\nLongDistancePrefix:\t1\nInternationalPrefix:\t011\n'
		printf 'ServerTracing:\t\t0xFFFFF\nMaxBatchJobs:\t\t1\nUUCPLockDir:\t\t%s\n' "$HF_SPOOL/lock"
	} >>"$HF_SPOOL/etc/config"
	hf_config "$@"
	echo 127.0.0.1 >>"$HF_SPOOL/etc/hosts.hfaxd"
	chown -R uucp:uucp "$HF_SPOOL" "$HF_SCRATCH"
	chown root:root "$HF_SPOOL/etc" "$HF_SPOOL/bin"
	chmod 0755 "$HF_DIR" "$HF_SPOOL" "$HF_SCRATCH"
	chmod 1777 "$HF_SPOOL/tmp"
	# bats makes its run directory 0700: let others traverse (not list) the directories up to it.
	local top=''
	[[ -n "${BATS_RUN_TMPDIR:-}" ]] && top=$(cd "$BATS_RUN_TMPDIR" && pwd -P)
	d=$HF_DIR
	while [[ -n "$top" && "$d" == "$top"* && "$d" != / ]]; do
		chmod o+x "$d"
		d=$(dirname "$d")
	done
	hf_as_uucp test -r "$HF_SPOOL/etc/setup.cache" -a -w "$HF_SPOOL/sendq" -a -w "$HF_SCRATCH" ||
		fail "uucp cannot reach $HF_SPOOL: a directory above it is not traversable by others (set TMPDIR)"
	HF_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	HF_HOST="127.0.0.1:$HF_PORT"
}

# hf_config LINE...: append "Key: value" lines to the spool's etc/config (before hf_start).
hf_config() {
	local line
	for line in "$@"; do
		printf '%s\n' "$line" >>"$HF_SPOOL/etc/config"
	done
}

# hf_as_uucp CMD...: run CMD with real and effective uid/gid uucp and no other groups.
hf_as_uucp() {
	setpriv --reuid="$HF_UUCP_UID" --regid="$HF_UUCP_GID" --clear-groups -- "$@"
}

# hf_setup_modem MODEM NUMBER [STATUS]: the files of a virtual modem that `faxstat -s` lists:
# etc/config.MODEM (FAXNumber NUMBER, LocalIdentifier NUMBER, RecvFileMode 0644), FIFO.MODEM (0600) and
# status/MODEM holding STATUS (default "Running and idle"), all owned by uucp. Files only: faxq learns of
# the modem from hf_modem_ready (or, at start, from FIFO.MODEM plus etc/config.MODEM).
hf_setup_modem() {
	local modem=$1 number=$2 status=${3:-Running and idle}
	printf 'FAXNumber:\t\t%s\nLocalIdentifier:\t"%s"\nRecvFileMode:\t\t0644\n' "$number" "$number" \
		>"$HF_SPOOL/etc/config.$modem"
	chmod 0644 "$HF_SPOOL/etc/config.$modem"
	[[ -p "$HF_SPOOL/FIFO.$modem" ]] || mkfifo -m 0600 "$HF_SPOOL/FIFO.$modem"
	printf '%s\n' "$status" >"$HF_SPOOL/status/$modem"
	chmod 0644 "$HF_SPOOL/status/$modem"
	chown uucp:uucp "$HF_SPOOL/etc/config.$modem" "$HF_SPOOL/FIFO.$modem" "$HF_SPOOL/status/$modem"
}

# hf_start: start faxq (-D -q $HF_SPOOL) and hfaxd (-d -q $HF_SPOOL -l 127.0.0.1 -i $HF_PORT), each in its
# own process group, stdout/stderr to $HF_FAXQ_LOG / $HF_HFAXD_LOG; wait (15 s at most) until faxq made the
# FIFO and `faxstat -h $HF_HOST` reports the scheduler running. Sets HF_FAXQ_PID, HF_HFAXD_PID.
hf_start() {
	[[ -n "${HF_SPOOL:-}" ]] || fail "hf_start: call hf_setup_spool first"
	[[ "${HF_SYSLOG:-0}" == 1 ]] && _hf_syslog_start
	setsid "$HF_FAXQ" -D -q "$HF_SPOOL" </dev/null >>"$HF_FAXQ_LOG" 2>&1 3>&- &
	HF_FAXQ_PID=$!
	setsid "$HF_HFAXD" -d -q "$HF_SPOOL" -l 127.0.0.1 -i "$HF_PORT" </dev/null >>"$HF_HFAXD_LOG" 2>&1 3>&- &
	HF_HFAXD_PID=$!
	wait_until 15 _hf_up_or_dead || fail "HylaFAX did not come up within 15 s: $(_hf_brief)"
	_hf_alive "$HF_FAXQ_PID" || fail "faxq exited at start: $(_hf_brief)"
	_hf_alive "$HF_HFAXD_PID" || fail "hfaxd exited at start: $(_hf_brief)"
}

# hf_stop: SIGTERM to faxq's and hfaxd's process groups (hfaxd's per-client children, a running
# SendFaxCmd), wait (10 s at most) until no process has its cwd or root in the spool, SIGKILL what is
# left (and fail: a leftover is a bug); stop the syslog capture. Safe to call twice. Stop daemons of
# your own that work in the spool (a fax-recv) before it, or they count as leftovers.
hf_stop() {
	local p pids=() rc=0 left
	for p in $HF_HFAXD_PID $HF_FAXQ_PID; do
		kill -TERM -- "-$p" 2>/dev/null || kill -TERM "$p" 2>/dev/null || true
		pids+=("$p")
	done
	HF_HFAXD_PID='' HF_FAXQ_PID=''
	if [[ -n "${HF_SPOOL:-}" ]] && ! wait_until 10 _hf_no_leftovers; then
		left=$(hf_leftovers)
		if [[ -n "$left" ]]; then
			echo "hf_stop: processes still in $HF_SPOOL after SIGTERM, killed: $left" >&2
			# shellcheck disable=SC2086
			kill -KILL $left 2>/dev/null || true
			rc=1
		fi
	fi
	for p in "${pids[@]}"; do
		wait "$p" 2>/dev/null || true
	done
	_hf_syslog_stop
	return "$rc"
}

# hf_teardown: hf_stop; when the test failed, print faxq/hfaxd output, the syslog capture and the queues.
hf_teardown() {
	local rc=0
	hf_stop || rc=$?
	[[ -z "${BATS_TEST_COMPLETED:-}" && -n "${HF_SPOOL:-}" ]] && hf_dump >&3
	return "$rc"
}

# hf_dump: diagnostics (logs, queue listings, qfile states) on stdout.
hf_dump() {
	local f
	for f in "$HF_FAXQ_LOG" "$HF_HFAXD_LOG" "$HF_SYSLOG_LOG"; do
		[[ -s "$f" ]] || continue
		echo "# --- $f"
		tail -n 40 "$f" | sed 's/^/# /'
	done
	echo "# --- sendq, doneq, status:"
	# shellcheck disable=SC2012
	(cd "$HF_SPOOL" && ls -l sendq doneq status 2>&1 | sed 's/^/# /')
	for f in "$HF_SPOOL"/sendq/q* "$HF_SPOOL"/doneq/q*; do
		[[ -f "$f" ]] || continue
		echo "# $f: $(grep -E '^(state|returned|tts|modem|status):' "$f" | tr '\n' ' ')"
	done
}

# hf_fifo_send MESSAGE [FIFO]: write MESSAGE, NUL-terminated, into FIFO (default $HF_SPOOL/FIFO, faxq's)
# without blocking; fails (ENXIO) when nobody reads the FIFO, e.g. faxq is not running.
hf_fifo_send() {
	local fifo=${2:-$HF_SPOOL/FIFO}
	[[ -p "$fifo" ]] || { echo "hf_fifo_send: $fifo is not a FIFO" >&2; return 1; }
	printf '%s\0' "$1" | dd of="$fifo" oflag=nonblock conv=nocreat,notrunc status=none
}

# hf_modem_ready MODEM [CAPS]: tell faxq that virtual modem MODEM is ready ("+MODEM:R<CAPS>", CAPS default
# $HF_MODEM_CAPS = pcbffff01:7f). faxq knows a modem from its first message; no files are needed.
hf_modem_ready() {
	hf_fifo_send "+$1:R${2:-$HF_MODEM_CAPS}"
}

# hf_nudge JOBID: the no-op resubmit "S<jobid>" that wakes faxq's scheduler when a runnable job stalls
# (quirk 2 of hylafax-integration.md: modems announced in a burst just before the job arrived).
hf_nudge() {
	hf_fifo_send "S$1"
}

# hf_sendfax NUMBER FILE [sendfax options...]: submit FILE for NUMBER through hfaxd (no cover page, options
# before -d) and print the job id from sendfax's "request id is N (group id M) for host ..." line.
hf_sendfax() {
	local number=$1 file=$2 out
	shift 2
	out=$(timeout 30 sendfax -h "$HF_HOST" -n "$@" -d "$number" "$file" 2>&1) || {
		echo "hf_sendfax: sendfax failed: $out" >&2
		return 1
	}
	if [[ "$out" =~ request\ id\ is\ ([0-9]+)\ \(group\ id\ [0-9]+\)\ for\ host ]]; then
		echo "${BASH_REMATCH[1]}"
	else
		echo "hf_sendfax: no request id in sendfax output: $out" >&2
		return 1
	fi
}

# hf_qfile JOBID: the path of the job's qfile, sendq/qJOBID or (finished) doneq/qJOBID; fails if neither.
hf_qfile() {
	local f
	for f in "$HF_SPOOL/sendq/q$1" "$HF_SPOOL/doneq/q$1"; do
		[[ -f "$f" ]] && { echo "$f"; return 0; }
	done
	return 1
}

# hf_qfield JOBID KEY: the value of KEY (leading blanks removed) in the job's qfile, read under a shared
# flock so a rewrite by faxq is never seen half done; fails if there is no qfile or no such key.
hf_qfield() {
	local f text line value
	f=$(hf_qfile "$1") || return 1
	text=$({ flock -s -w 10 0 && cat; } <"$f") || return 1
	while IFS= read -r line; do
		if [[ "$line" == "$2:"* ]]; then
			value=${line#*:}
			printf '%s\n' "${value#"${value%%[![:blank:]]*}"}"
			return 0
		fi
	done <<<"$text"
	return 1
}

# hf_job_state JOBID: the job's state as faxstat's "S" column letter (T suspended, P pending, S sleeping,
# B blocked, W waiting/ready, R running, D done, F failed), from the qfile's state: field.
hf_job_state() {
	local n
	n=$(hf_qfield "$1" state) || return 1
	[[ "$n" =~ ^[1-8]$ ]] || return 1
	echo "${HF_STATE_LETTERS:n:1}"
}

# hf_wait_job JOBID STATE TIMEOUT: wait until the job is in STATE (a faxstat letter, see hf_job_state, or
# the qfile's number) for at most TIMEOUT seconds; fail with the faxq trail otherwise.
hf_wait_job() {
	local id=$1 want=$2 limit=$3
	[[ "$want" =~ ^[1-8]$ ]] && want=${HF_STATE_LETTERS:want:1}
	wait_until "$limit" _hf_job_in "$id" "$want" && return 0
	fail "job $id not in state $want within $limit s (now: $(hf_job_state "$id" || echo none)): $(_hf_brief)"
}

# hf_faxstat ARGS...: faxstat against the test's hfaxd, bounded to 30 s, with the CR of the protocol's
# CRLF line ends removed (use under `run`). faxstat exits 0 even when it cannot reach hfaxd ("Can not
# reach service ..." on stderr); hf_faxstat fails then: no output or a nonzero exit is a failure.
hf_faxstat() {
	local rc=0
	timeout 30 faxstat -h "$HF_HOST" "$@" >"$HF_DIR/faxstat.out" || rc=$?
	tr -d '\r' <"$HF_DIR/faxstat.out"
	[[ $rc -eq 0 && -s "$HF_DIR/faxstat.out" ]]
}

# hf_leftovers: the pids (space-separated, none: empty) of live processes whose cwd or root directory is
# the spool or below it, except this shell and its ancestors (a test may have cd'ed into the spool).
hf_leftovers() {
	local pid=$BASHPID stat
	local -A mine=()
	while [[ -n "$pid" && "$pid" -gt 1 ]]; do
		mine[$pid]=1
		stat=$(</proc/"$pid"/stat) 2>/dev/null || break
		stat=${stat##*) }
		read -r _ pid _ <<<"$stat"
	done
	# The whole pipeline runs in / so that none of its own processes is in the spool.
	(
		cd / || exit 1
		find /proc/[0-9]*/cwd /proc/[0-9]*/root -maxdepth 0 \( -lname "$HF_SPOOL" -o -lname "$HF_SPOOL/*" \) \
			2>/dev/null | cut -d/ -f3 | sort -un | while read -r pid; do
			[[ -n "${mine[$pid]:-}" ]] || printf '%s ' "$pid"
		done
	)
}

# ---------------------------------------------------------------- internals

_hf_job_in() {
	[[ "$(hf_job_state "$1" 2>/dev/null)" == "$2" ]]
}

_hf_alive() {
	[[ -n "$1" ]] && kill -0 "$1" 2>/dev/null && [[ "$(ps -o stat= -p "$1" 2>/dev/null)" != Z* ]]
}

# Up: faxq made its FIFO and hfaxd reports the scheduler running (it can open the FIFO for writing).
_hf_up() {
	[[ -p "$HF_SPOOL/FIFO" ]] && timeout 10 faxstat -h "$HF_HOST" 2>/dev/null | grep -q '^HylaFAX scheduler on .*: Running'
}

_hf_up_or_dead() {
	! _hf_alive "$HF_FAXQ_PID" || ! _hf_alive "$HF_HFAXD_PID" || _hf_up
}


_hf_no_leftovers() {
	[[ -z "$(hf_leftovers)" ]]
}

# One line for failure messages: what the daemons printed and where the logs are.
_hf_brief() {
	printf 'faxq: %s; hfaxd: %s; logs in %s' "$(tail -c 300 "$HF_FAXQ_LOG" 2>/dev/null | tr '\n' ' ')" \
		"$(tail -c 300 "$HF_HFAXD_LOG" 2>/dev/null | tr '\n' ' ')" "$HF_DIR"
	[[ -s "${HF_SYSLOG_LOG:-}" ]] || printf ' (HF_SYSLOG=1 captures faxq'"'"'s syslog trace)'
}

# Syslog capture (HF_SYSLOG=1): bind /dev/log if nobody has it; one datagram per line.
_hf_syslog_start() {
	HF_SYSLOG_PID=''
	[[ -e /dev/log ]] && { echo "# hylafax.bash: /dev/log exists, no syslog capture" >&3; return 0; }
	local ready="$HF_DIR/syslog.ready"
	rm -f "$ready"
	python3 - /dev/log "$HF_SYSLOG_LOG" "$ready" </dev/null 2>>"$HF_DIR/syslog.err" 3>&- <<'EOF' &
import os, signal, socket, sys
path, out, ready = sys.argv[1:4]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
try:
    s.bind(path)  # fails if the path exists (another test holds it): never steal it
except OSError as e:
    sys.exit('syslog capture: %s: %s' % (path, e.strerror))
os.chmod(path, 0o666)
ino = os.stat(path).st_ino
def stop(*_):
    try:
        if os.stat(path).st_ino == ino:
            os.unlink(path)
    except OSError:
        pass
    os._exit(0)
signal.signal(signal.SIGTERM, stop)
signal.signal(signal.SIGINT, stop)
open(ready, 'w').close()
with open(out, 'ab', buffering=0) as f:
    while True:
        f.write(s.recv(65536).rstrip(b'\0\n') + b'\n')
EOF
	HF_SYSLOG_PID=$!
	wait_until 5 _hf_syslog_settled "$ready"
	if [[ ! -e "$ready" ]]; then
		echo "# hylafax.bash: no syslog capture: $(cat "$HF_DIR/syslog.err" 2>/dev/null)" >&3
		wait "$HF_SYSLOG_PID" 2>/dev/null || true
		HF_SYSLOG_PID=''
	fi
}

_hf_syslog_settled() {
	[[ -e "$1" ]] || ! kill -0 "$HF_SYSLOG_PID" 2>/dev/null
}

_hf_syslog_stop() {
	[[ -n "${HF_SYSLOG_PID:-}" ]] || return 0
	kill -TERM "$HF_SYSLOG_PID" 2>/dev/null || true
	wait "$HF_SYSLOG_PID" 2>/dev/null || true
	HF_SYSLOG_PID=''
}
