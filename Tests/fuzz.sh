#!/usr/bin/env bash
# Fuzzes the Markdown scanner/chapter loader and the attribute/variable parsers with libFuzzer
# and AddressSanitizer. Usage: Tests/fuzz.sh [SECONDS per target, default 60]
# Seeds live in Tests/Fuzz/corpus/; new inputs go to a scratch copy, and crashes to Tests/Fuzz/crashes/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
work=$(mktemp -d /tmp/runbook-fuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT

# The layers a chapter goes through, compiled as one module with the fuzzer: their imports of
# one another are dropped, since here they are one.
mkdir -p "$work/src"
for layer in RunbookHost RunbookMarkdown RunbookModel RunbookSteps; do
    for file in $(find "Sources/$layer" -name '*.swift'); do
        sed '/^import Runbook/d' "$file" >"$work/src/$layer-$(basename "$file")"
    done
done
if ! swiftc -parse-as-library -sanitize=fuzzer,address -O -module-name RunbookFuzz -package-name runbook \
    "$work"/src/*.swift Tests/Fuzz/*.swift -o "$work/runbook-fuzz" >"$work/build.log" 2>&1; then
    cat "$work/build.log"
    exit 1
fi

mkdir -p Tests/Fuzz/crashes
status=0
for target in chapter variables; do
    cp -r "Tests/Fuzz/corpus/$target" "$work/corpus-$target"
    log="$work/$target.log"
    if RUNBOOK_FUZZ_TARGET=$target "$work/runbook-fuzz" -max_total_time="$seconds" -max_len=65536 \
        -artifact_prefix=Tests/Fuzz/crashes/ "$work/corpus-$target" >"$log" 2>&1; then
        echo "fuzz $target: $(grep -Eo 'Done [0-9]+ runs in [0-9]+ second' "$log" | tail -1), 0 crashes"
    else
        status=1
        tail -40 "$log"
        echo "fuzz $target: CRASH, input saved in Tests/Fuzz/crashes/"
    fi
done
exit "$status"
