#!/usr/bin/env bash
# Runs every test: installs what the tests need (Debian packages, as root), builds, and runs
# `swift test`. Usage: sudo Tests/run.sh [extra swift test arguments]
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(nginx certbot pebble openssl curl cmark cmark-gfm debootstrap zstd iproute2 util-linux groff-base zsh fish openssh-server openssh-client)
missing=()
for package in "${packages[@]}" systemd-container chromium; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
    if [[ $(id -u) -ne 0 ]]; then
        echo "Tests/run.sh: these packages are needed: ${missing[*]}; run it as root (sudo Tests/run.sh)" >&2
        exit 1
    fi
    echo "Installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q "${packages[@]}"
    # Without recommends: libnss-mymachines and libnss-mdns would edit the host's /etc/nsswitch.conf.
    apt-get install -y -q --no-install-recommends systemd-container chromium
fi

# CI builds the fresh-server golden image once per run; a developer's machine reuses its cache.
if [[ ${CI:-} == true ]]; then export RUNBOOK_GOLDEN_REBUILD=1; fi
# The fresh-server tests copy static release binaries into a Debian 12 container with no Swift.
swift build -c release --static-swift-stdlib --product runbook
swift build -c release --static-swift-stdlib --product ollama-standin
# The benchmark builds, and its smoke mode runs (10 steps, one run, no timing asserted).
swift build -c release --static-swift-stdlib --product runbook-bench
.build/release/runbook-bench --smoke >/tmp/runbook-bench-smoke.txt || { cat /tmp/runbook-bench-smoke.txt; exit 1; }
swift build --build-tests
set +e
swift test --skip-build "$@" 2>&1 | tee /tmp/runbook-test-output.txt
status=${PIPESTATUS[0]}
# A short fuzzing run of every target (RUNBOOK_FUZZ_SECONDS=0 skips it, for a quick local run).
if [[ ${RUNBOOK_FUZZ_SECONDS:-60} != 0 ]]; then
    Tests/fuzz.sh "${RUNBOOK_FUZZ_SECONDS:-60}" || status=1
fi
set -e
echo
grep -E "^(Test Suite 'All tests'|	 Executed|Executed [0-9]+ tests)" /tmp/runbook-test-output.txt | tail -n 2 || true
exit "$status"
