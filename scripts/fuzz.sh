#!/usr/bin/env bash
# Runs every cargo-fuzz target of every crates/*/fuzz for FUZZ_SECONDS seconds each (default
# 600) with the nightly toolchain, then prints a table: crate, target, runs, crashes.
#
#   FUZZ_SECONDS     seconds per target (libFuzzer's -max_total_time)
#   FUZZ_SANITIZER   cargo fuzz's --sanitizer (default address)
#   FUZZ_TARGET_DIR  where the fuzz builds go (one folder for all crates, so shared
#                    dependencies build once; delete it when done, it is several GB)
#
# Runs: libFuzzer's stat::number_of_executed_units (-print_final_stats=1). Crashes: the
# crash-, leak-, timeout- and oom- files the run left in the crate's fuzz/artifacts/<target>/;
# libFuzzer stops at the first one, so a target that crashed ran for less than FUZZ_SECONDS.
# Corpora grow in fuzz/corpus/<target>/ (ignored by git); fuzz/seeds/<target>/ is read too.
# Exits non-zero when a target crashed or did not build.
set -uo pipefail

seconds=${FUZZ_SECONDS:-600}
sanitizer=${FUZZ_SANITIZER:-address}
target_dir=${FUZZ_TARGET_DIR:-${HOME}/.cache/countersign/fuzz-target}
root=$(cd "$(dirname "$0")/.." && pwd)
logs=$root/artifacts/fuzz-logs
mkdir -p "$logs"

if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked || exit 1
fi

rows=()
failed=0
for fuzz in "$root"/crates/*/fuzz; do
    crate=$(basename "$(dirname "$fuzz")")
    cd "$fuzz" || exit 1
    targets=$(cargo +nightly fuzz list)
    for target in $targets; do
        log=$logs/$crate-$target.log
        mkdir -p "corpus/$target" "artifacts/$target"
        before=$(find "artifacts/$target" -type f | wc -l)
        corpora=("corpus/$target")
        [ -d "seeds/$target" ] && corpora+=("seeds/$target")
        echo "fuzzing $crate/$target for ${seconds}s (log: $log)" >&2
        cargo +nightly fuzz run --sanitizer "$sanitizer" --target-dir "$target_dir" \
            "$target" "${corpora[@]}" -- \
            -max_total_time="$seconds" -print_final_stats=1 >"$log" 2>&1
        status=$?
        after=$(find "artifacts/$target" -type f | wc -l)
        crashes=$((after - before))
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
        if [ -z "$runs" ]; then
            # No final stats: it did not build, or died before libFuzzer could report.
            runs="-"
            [ "$crashes" -eq 0 ] && crashes="- (exit $status, see log)"
            failed=1
        elif [ "$status" -ne 0 ] || [ "$crashes" != 0 ]; then
            failed=1
        fi
        rows+=("$crate|$target|$runs|$crashes")
    done
done

echo
printf '%-8s %-20s %14s  %s\n' crate target runs crashes
for row in "${rows[@]}"; do
    IFS='|' read -r crate target runs crashes <<<"$row"
    printf '%-8s %-20s %14s  %s\n' "$crate" "$target" "$runs" "$crashes"
done
echo "(${seconds}s per target, sanitizer $sanitizer)"
exit $failed
