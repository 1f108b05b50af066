#!/bin/bash
# Builds the ESL decoder fuzz target with clang (libFuzzer + ASan + UBSan) and
# runs it for SECONDS (default 60), seeded with the real FreeSWITCH captures.
# Usage: tests/fuzz/run.sh [SECONDS] [WORKDIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
seconds=${1:-60}
work=${2:-$root/build/fuzz}
mkdir -p "$work/corpus" "$work/artifacts"

clangxx=$(command -v clang++ || command -v clang++-14 || true)
if [ -z "$clangxx" ]; then
    echo "fuzz: clang++ not installed; run scripts/install-deps.sh" >&2
    exit 1
fi

srcs=(core/error.cpp core/time.cpp core/utf8.cpp jsonl/escape.cpp esl/url.cpp esl/message.cpp
      esl/decoder.cpp esl/event.cpp esl/event_json.cpp esl/event_record.cpp)
paths=()
for s in "${srcs[@]}"; do paths+=("$root/lib/$s"); done
bin="$work/esl_decoder_fuzz"
if [ ! -x "$bin" ] || [ -n "$(find "$root/lib" "$here" -newer "$bin" -name '*.[ch]pp' -print -quit)" ]; then
    "$clangxx" -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
        -DFAXKIT_VERSION='"fuzz"' -I"$root/lib" "$here/esl_decoder_fuzz.cpp" "${paths[@]}" \
        -lsimdjson -lfmt -o "$bin"
fi

# Seeds: the FS->C byte streams of every capture.
python3 - "$root/tests/fixtures/esl" "$work/corpus" <<'PY'
import base64, json, os, sys
src, dst = sys.argv[1], sys.argv[2]
for name in sorted(os.listdir(src)):
    if not name.endswith('.jsonl'):
        continue
    data = b''.join(base64.b64decode(json.loads(l)['b64']) for l in open(os.path.join(src, name))
                    if l.strip() and json.loads(l)['dir'] == 'FS->C')
    # keep seeds small: the first 16 KiB and a slice from the middle
    open(os.path.join(dst, 'seed-' + name + '-head'), 'wb').write(data[:16384])
    open(os.path.join(dst, 'seed-' + name + '-mid'), 'wb').write(data[len(data)//2:len(data)//2 + 16384])
PY

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
echo "fuzz: running $bin for ${seconds}s"
"$bin" -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$work/artifacts/" -print_final_stats=1 "$work/corpus" 2>"$work/fuzz.log" || {
    tail -60 "$work/fuzz.log" >&2
    echo "fuzz: FAILED (artifacts in $work/artifacts)" >&2
    exit 1
}
grep -E 'stat::number_of_executed_units|Done' "$work/fuzz.log" | tail -3
echo "fuzz: no crash in ${seconds}s"
