#!/usr/bin/env bash
# Runs every cargo-fuzz target of every crates/*/fuzz for FUZZ_SECONDS seconds each (default
# 600) with the nightly toolchain, then prints a table: crate, target, runs, crashes.
#
#   FUZZ_SECONDS     seconds per target (libFuzzer's -max_total_time)
#   FUZZ_JOBS        targets fuzzed at once (default 1); every target still runs FUZZ_SECONDS,
#                    sharing the cores, so the table's runs count what each one got
#   FUZZ_SANITIZER   cargo fuzz's --sanitizer (default address)
#   FUZZ_TARGET_DIR  where the fuzz builds go (one folder for all crates, so shared
#                    dependencies build once; delete it when done, it is several GB)
#
# Every crate's targets are built first, then run. Runs: libFuzzer's
# stat::number_of_executed_units (-print_final_stats=1). Crashes: the crash-, leak-, timeout-
# and oom- files the run left in the crate's fuzz/artifacts/<target>/; libFuzzer stops at the
# first one, so a target that crashed ran for less than FUZZ_SECONDS. Corpora grow in
# fuzz/corpus/<target>/ (ignored by git); fuzz/seeds/<target>/ is read too.
# Exits non-zero when a target crashed or did not build.
set -uo pipefail

seconds=${FUZZ_SECONDS:-600}
jobs=${FUZZ_JOBS:-1}
sanitizer=${FUZZ_SANITIZER:-address}
target_dir=${FUZZ_TARGET_DIR:-${HOME}/.cache/countersign/fuzz-target}
root=$(cd "$(dirname "$0")/.." && pwd)
logs=$root/artifacts/fuzz-logs
mkdir -p "$logs"

if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked || exit 1
fi

# crate|target pairs, and the crates whose targets did not build.
pairs=()
unbuilt=()
for fuzz in "$root"/crates/*/fuzz; do
    crate=$(basename "$(dirname "$fuzz")")
    echo "building the fuzz targets of $crate" >&2
    if ! (cd "$fuzz" && cargo +nightly fuzz build --sanitizer "$sanitizer" \
        --target-dir "$target_dir" >"$logs/$crate-build.log" 2>&1); then
        unbuilt+=("$crate")
        continue
    fi
    for target in $(cd "$fuzz" && cargo +nightly fuzz list); do
        pairs+=("$crate|$target")
    done
done

# Fuzzes one target; its crash count goes to <log>.crashes.
fuzz_one() {
    local crate=$1 target=$2
    local fuzz=$root/crates/$crate/fuzz log=$logs/$crate-$target.log
    cd "$fuzz" || return 1
    mkdir -p "corpus/$target" "artifacts/$target"
    local before
    before=$(find "artifacts/$target" -type f | wc -l)
    local corpora=("corpus/$target")
    [ -d "seeds/$target" ] && corpora+=("seeds/$target")
    echo "fuzzing $crate/$target for ${seconds}s (log: $log)" >&2
    cargo +nightly fuzz run --sanitizer "$sanitizer" --target-dir "$target_dir" \
        "$target" "${corpora[@]}" -- \
        -max_total_time="$seconds" -print_final_stats=1 >"$log" 2>&1
    echo $? >"$log.status"
    echo $(($(find "artifacts/$target" -type f | wc -l) - before)) >"$log.crashes"
}

for pair in "${pairs[@]}"; do
    while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
        wait -n
    done
    IFS='|' read -r crate target <<<"$pair"
    fuzz_one "$crate" "$target" &
done
wait

rows=()
failed=0
for pair in "${pairs[@]}"; do
    IFS='|' read -r crate target <<<"$pair"
    log=$logs/$crate-$target.log
    status=$(cat "$log.status" 2>/dev/null || echo "?")
    crashes=$(cat "$log.crashes" 2>/dev/null || echo 0)
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    if [ -z "$runs" ]; then
        # No final stats: it died before libFuzzer could report.
        runs="-"
        [ "$crashes" -eq 0 ] && crashes="- (exit $status, see log)"
        failed=1
    elif [ "$status" != 0 ] || [ "$crashes" != 0 ]; then
        failed=1
    fi
    rows+=("$crate|$target|$runs|$crashes")
done
for crate in "${unbuilt[@]}"; do
    rows+=("$crate|(did not build: $logs/$crate-build.log)|-|-")
    failed=1
done

echo
printf '%-8s %-24s %14s  %s\n' crate target runs crashes
for row in "${rows[@]}"; do
    IFS='|' read -r crate target runs crashes <<<"$row"
    printf '%-8s %-24s %14s  %s\n' "$crate" "$target" "$runs" "$crashes"
done
echo "(${seconds}s per target, $jobs at once on $(nproc) cores, sanitizer $sanitizer)"
exit $failed
