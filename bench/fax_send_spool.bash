# shellcheck shell=bash
# The HylaFAX-mode fax-send job of bench/fax_send_start.sh and scripts/startup-order.sh:
# a private spool with a 3-page document and a qfile as faxq hands it over, and
# `fax-sim serve` as FreeSWITCH with the job's only gateway down, so that the
# job ends at its originate (-ERR GATEWAY_DOWN) and fax-send exits 0 (retry).

# spool_start DIR BUILD_DIR: spool in DIR/spool, fax-sim serve from BUILD_DIR,
# config in DIR/faxkit.conf (exported as FAXKIT_CONFIG); sets SPOOL_SIM_PID.
# Run the job from DIR/spool: fax-send -m freeswitch0 sendq/q1.
spool_start() {
    local dir=$1 sim=$2/tools/fax-sim/fax-sim spool=$1/spool
    mkdir -p "$spool/sendq" "$spool/docq" "$spool/log" "$spool/tmp"
    "$sim" make-tiff --pages 3 "$spool/docq/doc1.tif"
    cat >"$spool/sendq/q1" <<'QFILE'
tts:0
killtime:4102444800
state:6
npages:0
totpages:3
ntries:0
ndials:0
totdials:0
maxdials:12
tottries:0
maxtries:3
resolution:196
desiredbr:13
desiredec:2
external:4930123456
number:4930123456
mailaddr:root@localhost
sender:root
jobid:1
jobtag:
modem:any
owner:root
status:
returned:0
!tiff:0::docq/doc1.tif
fax:0::docq/doc1.tif
QFILE
    echo '{"gateways": {"gw-dead": "down"}}' >"$dir/scenario.json"
    "$sim" serve --listen 127.0.0.1:0 --port-file "$dir/port" --scenario "$dir/scenario.json" \
        --db "$dir/sim.db" --received-dir "$dir/received" </dev/null >/dev/null 2>"$dir/sim.err" &
    SPOOL_SIM_PID=$!
    local _
    for _ in $(seq 500); do [ -s "$dir/port" ] && break; sleep 0.01; done
    if [ ! -s "$dir/port" ]; then
        echo "fax-sim serve did not start: $(cat "$dir/sim.err")" >&2
        return 1
    fi
    export FAXKIT_CONFIG=$dir/faxkit.conf
    printf '[freeswitch]\nsocket = 127.0.0.1:%s\ngateway = gw-dead\n[hylafax]\nspooldir = %s\n[fax-send]\ntmpdir = %s/tmp\n' \
        "$(cat "$dir/port")" "$spool" "$spool" >"$FAXKIT_CONFIG"
}

# spool_check FAX_SEND: one run of the job; fails unless it ended at the originate.
spool_check() {
    local rc=0
    "$1" -m freeswitch0 sendq/q1 2>../send.err || rc=$?
    if [ "$rc" -ne 0 ] || ! grep -q '^status:.*GATEWAY_DOWN' sendq/q1; then
        echo "the HylaFAX-mode run did not end at the originate (exit $rc):" >&2
        cat ../send.err >&2
        grep '^status' sendq/q1 >&2 || true
        return 1
    fi
}

# spool_stop: stops fax-sim serve.
spool_stop() {
    if [ -n "${SPOOL_SIM_PID:-}" ]; then
        kill -TERM "$SPOOL_SIM_PID" 2>/dev/null || true
        wait "$SPOOL_SIM_PID" 2>/dev/null || true
        SPOOL_SIM_PID=
    fi
}
