#!/usr/bin/env bash
# make fuzz: builds the libFuzzer target with the fuzzer and address sanitizers, seeds it with every
# frame of the captures, and runs it for FUZZ_SECONDS (default 60). Findings land in fuzz-findings/.
set -euo pipefail
seconds=${FUZZ_SECONDS:-60}
scratch=.build-fuzz
# Both spellings: `--sanitize` alone does not reliably reach the compiler (see the libedit notes).
swift build -c release --product eslfuzz --scratch-path "$scratch" \
    --sanitize fuzzer --sanitize address -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING
corpus=fuzz-corpus
mkdir -p "$corpus" fuzz-findings
python3 scripts/fuzz-seeds.py Tests/TestSupport/Fixtures "$corpus"
export SWIFT_BACKTRACE=enable=no   # let ASan, not Swift's crash reporter, report traps
export LSAN_OPTIONS=suppressions=$PWD/scripts/lsan.supp
nice -n "${FUZZ_NICE:-0}" "$scratch/release/eslfuzz" -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix=fuzz-findings/ \
    -max_len=${FUZZ_MAX_LEN:-4096} "$corpus" 2>&1 | tee fuzz.log | grep -E "^#[0-9]+ +(INITED|DONE|pulse)|stat::|ERROR|SUMMARY" || true
grep -q "cov:" fuzz.log || { echo "fuzzing reported no coverage: the target was not instrumented"; exit 1; }
if ls fuzz-findings/crash-* fuzz-findings/leak-* fuzz-findings/timeout-* >/dev/null 2>&1; then
    echo "findings in fuzz-findings/"; exit 1
fi
