#!/usr/bin/env bash
# The MCP conformance suite's server scenarios against a running MCP Hub.
#
#   conformance/run.sh                          the suite must pass every scenario below
#   conformance/run.sh --mutant-no-host-check   mutation check: the hub runs with its Host/Origin
#                                               validation switched off (conformance/mutant_serve.py);
#                                               dns-rebinding-protection must FAIL, the rest pass
#   conformance/run.sh --install-only           only the (idempotent) install; exit 2 if it fails
#
# Steps: `npm ci` into conformance/node_modules (skipped when the lock file is already installed);
# start `mcphub serve` on a free loopback port with a temporary data directory and a random master
# key; start harness.mjs (adds the bearer, passes Host/Origin through unchanged, streams responses);
# run each scenario against the harness's /mcp; print a per-scenario summary; stop everything.
# Exit status: 0 when the outcome is the expected one (all pass / only the mutant's scenario
# fails), 1 otherwise, 2 on a setup error. Environment: MCPHUB_PYTHON (default .venv/bin/python),
# CONFORMANCE_KEEP=1 keeps the temporary directory (logs, results) for inspection.
# shellcheck disable=SC2317  # stop, hub_up and harness_ready run through trap and wait_for
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(dirname "$HERE")"
SCENARIOS=(server-initialize ping tools-list logging-set-level dns-rebinding-protection)
MUTANT_FAILS=dns-rebinding-protection

mutant=0
install_only=0
case "${1:-}" in
  "") ;;
  --mutant-no-host-check) mutant=1 ;;
  --install-only) install_only=1 ;;
  *) echo "usage: $0 [--mutant-no-host-check | --install-only]" >&2; exit 2 ;;
esac

PYTHON="${MCPHUB_PYTHON:-$REPO/.venv/bin/python}"
NODE="$HERE/node_modules/.bin/node"
SUITE="$HERE/node_modules/@modelcontextprotocol/conformance/dist/index.js"

fail_setup() { echo "conformance: $*" >&2; exit 2; }

# --- install (idempotent: npm ci only when node_modules does not hold this lock file) ----------
stamp="$HERE/node_modules/.mcphub-installed-lock"
if ! { [[ -x "$NODE" && -f "$SUITE" && -f "$stamp" ]] && cmp -s "$stamp" "$HERE/package-lock.json"; }; then
  command -v npm >/dev/null || fail_setup "npm not found (needed once, to install conformance/node_modules)"
  echo "conformance: npm ci (conformance/package-lock.json)"
  (cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error) || fail_setup "npm ci failed"
  cp "$HERE/package-lock.json" "$stamp"
fi
node_version="$("$NODE" --version)" || fail_setup "the pinned node does not run"
[[ "$node_version" == v22.* ]] || fail_setup "expected Node 22 from the node package, got $node_version"
suite_version="$("$NODE" -p 'require(process.argv[1]).version' "$HERE/node_modules/@modelcontextprotocol/conformance/package.json")"
if ((install_only)); then
  echo "conformance: installed @modelcontextprotocol/conformance $suite_version, node $node_version"
  exit 0
fi
[[ -x "$PYTHON" ]] || fail_setup "no Python with the hub installed at $PYTHON (set MCPHUB_PYTHON)"

# --- processes ---------------------------------------------------------------------------------
work="$(mktemp -d "${TMPDIR:-/tmp}/mcphub-conformance.XXXXXX")"
hub_pid=""
harness_pid=""
declare -A scenario_pid=()
stop() {
  local pid
  for pid in "${scenario_pid[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "$harness_pid" "$hub_pid"; do
    if [[ -n "$pid" ]]; then kill -TERM "$pid" 2>/dev/null || true; fi
  done
  for pid in "$harness_pid" "$hub_pid"; do
    [[ -n "$pid" ]] || continue
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  if [[ "${CONFORMANCE_KEEP:-}" == 1 ]]; then
    echo "conformance: kept $work"
  else
    rm -rf "$work"
  fi
}
trap stop EXIT
trap 'exit 130' INT TERM

free_port() {
  "$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
wait_for() {  # wait_for <seconds> <command...>: until the command succeeds
  local deadline=$((SECONDS + $1)); shift
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.1
  done
}
hub_up() {  # GET /health answers 200 (bash's /dev/tcp: no process per attempt)
  hub_alive
  local line=""
  { exec 3<>"/dev/tcp/127.0.0.1/$hub_port"; } 2>/dev/null || return 1
  printf 'GET /health HTTP/1.0\r\nHost: 127.0.0.1:%s\r\n\r\n' "$hub_port" >&3
  read -r -t 5 line <&3 || true
  exec 3<&-
  [[ "$line" == "HTTP/1."?" 200"* ]]
}
hub_alive() { kill -0 "$hub_pid" 2>/dev/null || fail_setup "the hub exited; log: $(cat "$work/hub.log")"; }

hub_port="$(free_port)"
hub_url="http://127.0.0.1:$hub_port"
master_key="$("$PYTHON" -c 'import secrets; print(secrets.token_urlsafe(36))')"
if ((mutant)); then
  serve=("$PYTHON" "$HERE/mutant_serve.py" serve)
  echo "conformance: MUTANT hub (Host/Origin validation off) — $MUTANT_FAILS must fail"
else
  serve=("$(dirname "$PYTHON")/mcphub" serve)
fi
# A clean environment for the hub: nothing from a developer's own hub configuration leaks in.
env -i PATH="$PATH" HOME="$work" LANG=C.UTF-8 \
  DATA_DIR="$work/data" MASTER_API_KEY="$master_key" PUBLIC_BASE_URL="$hub_url" \
  "${serve[@]}" --host 127.0.0.1 --port "$hub_port" >"$work/hub.log" 2>&1 &
hub_pid=$!
wait_for 30 hub_up || fail_setup "the hub did not answer $hub_url/health in 30 s"

HUB_URL="$hub_url" MCPHUB_KEY="$master_key" "$NODE" "$HERE/harness.mjs" >"$work/harness.log" 2>&1 &
harness_pid=$!
harness_url=""
harness_ready() {
  harness_url="$(sed -n 's/^harness listening on //p' "$work/harness.log")"
  [[ -n "$harness_url" ]]
}
wait_for 15 harness_ready || fail_setup "the harness did not start: $(cat "$work/harness.log")"

echo "conformance: suite @modelcontextprotocol/conformance $suite_version, node $node_version"
echo "conformance: hub $hub_url, harness $harness_url/mcp"

# --- scenarios ---------------------------------------------------------------------------------
# The scenarios are independent (each opens its own sessions): they run side by side.
declare -A outcome
for scenario in "${SCENARIOS[@]}"; do
  "$NODE" "$SUITE" server --url "$harness_url/mcp" --scenario "$scenario" \
    -o "$work/results" >"$work/$scenario.log" 2>&1 &
  scenario_pid[$scenario]=$!
done
for scenario in "${SCENARIOS[@]}"; do
  if wait "${scenario_pid[$scenario]}"; then
    outcome[$scenario]=pass
  else
    outcome[$scenario]=fail
    echo "---- $scenario (failed) ----"
    cat "$work/$scenario.log"
  fi
done

status=0
echo
echo "conformance summary$( ((mutant)) && echo " (mutant: Host/Origin validation off)"):"
for scenario in "${SCENARIOS[@]}"; do
  expected=pass
  ((mutant)) && [[ "$scenario" == "$MUTANT_FAILS" ]] && expected=fail
  got="${outcome[$scenario]}"
  if [[ "$got" == "$expected" ]]; then
    verdict=ok
  else
    verdict="UNEXPECTED (expected $expected)"
    status=1
  fi
  printf '  %-28s %-4s %s\n' "$scenario" "$got" "$verdict"
done
hub_alive
if ((status)); then
  echo "conformance: FAILED"
elif ((mutant)); then
  echo "conformance: mutant detected — $MUTANT_FAILS fails without the hub's Host/Origin check"
else
  echo "conformance: all ${#SCENARIOS[@]} scenarios pass"
fi
exit "$status"
