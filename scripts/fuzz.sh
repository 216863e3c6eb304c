#!/usr/bin/env bash
# make fuzz: builds the libFuzzer target with the fuzzer and address sanitizers, seeds it, and runs
# each of FUZZ_TARGETS (default both) for FUZZ_SECONDS (default 60) in turn:
#   decoders  every parser of server bytes (FuzzTarget), seeded with every frame of the captures;
#   parsers   config files, recordings and replay timing, `show` tables, script lines (ParserFuzzTarget);
#   config, recording, show, script, tables   ParserFuzzTarget held to one of its parsers (focused runs).
# Each target keeps its corpus (fuzz-corpus, fuzz-corpus-parsers, fuzz-corpus-config, …) and log
# (fuzz.log, fuzz-parsers.log, fuzz-config.log, …);
# findings land in fuzz-findings/. FUZZ_JOBS>1 runs that many processes per target (-fork). Inputs are
# at most FUZZ_MAX_LEN bytes (4096 for the decoders, whose frames are long; 1024 for the parsers).
set -euo pipefail
seconds=${FUZZ_SECONDS:-60}
targets=${FUZZ_TARGETS:-decoders parsers}
scratch=.build-fuzz
# Both spellings: `--sanitize` alone does not reliably reach the compiler (see the libedit notes).
swift build -c release --product eslfuzz --scratch-path "$scratch" \
    --sanitize fuzzer --sanitize address -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING
mkdir -p fuzz-findings
export SWIFT_BACKTRACE=enable=no   # let ASan, not Swift's crash reporter, report traps
export LSAN_OPTIONS=suppressions=$PWD/scripts/lsan.supp
# No allocation stacks: recording one at every malloc and free was a sixth of a parser run's time. A
# finding's report then lacks where the memory was allocated and freed; running the input alone with
# ASAN_OPTIONS=malloc_context_size=30 (ESLFUZZ_TARGET=… .build-fuzz/release/eslfuzz FILE) gives them.
# What ASan detects is unchanged.
export ASAN_OPTIONS=${ASAN_OPTIONS:-malloc_context_size=0}
for target in $targets; do
    case $target in
        decoders) corpus=fuzz-corpus; log=fuzz.log; max_len=${FUZZ_MAX_LEN:-4096}
                  mkdir -p "$corpus"; python3 scripts/fuzz-seeds.py Tests/TestSupport/Fixtures "$corpus" ;;
        parsers|config|recording|show|script|tables)
                  corpus=fuzz-corpus-$target; log=fuzz-$target.log; max_len=${FUZZ_MAX_LEN:-1024}
                  mkdir -p "$corpus"; python3 scripts/fuzz-seeds-parsers.py Tests/TestSupport/Fixtures "$corpus" "$target" ;;
        *) echo "unknown fuzz target '$target' (decoders, parsers, config, recording, show, script, tables)"; exit 2 ;;
    esac
    # One process has no one else's finds to reread its corpus for (-reload was 4% of a run).
    fork=(-reload=0)
    if [ "${FUZZ_JOBS:-1}" -gt 1 ]; then fork=(-fork="$FUZZ_JOBS" -ignore_crashes=0); fi
    echo "== $target"
    ESLFUZZ_TARGET=$target nice -n "${FUZZ_NICE:-0}" "$scratch/release/eslfuzz" -max_total_time="$seconds" -print_final_stats=1 \
        -artifact_prefix=fuzz-findings/ -max_len="$max_len" "${fork[@]}" "$corpus" 2>&1 | tee "$log" \
        | grep -E "^#[0-9]+ +(INITED|DONE|pulse)|stat::|ERROR|SUMMARY" || true
    grep -q "cov:" "$log" || { echo "fuzzing $target reported no coverage: the target was not instrumented"; exit 1; }
done
if ls fuzz-findings/crash-* fuzz-findings/leak-* fuzz-findings/timeout-* >/dev/null 2>&1; then
    echo "findings in fuzz-findings/"; exit 1
fi
