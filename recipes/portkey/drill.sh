#!/usr/bin/env bash
# Drills the Portkey AI gateway (npm package @portkey-ai/gateway) on a live scenario.
#
# 1. Starts Portkey with npx on 127.0.0.1:$PORTKEY_PORT. loopback.mjs is preloaded because the
#    gateway has no listen-address flag and would otherwise listen on every interface;
#    time-scale.mjs runs the gateway's own timers (its retry backoffs) at the drill's --speed.
# 2. Runs `failover-drill drill`, which serves the scenario's providers on 127.0.0.1:8788 and
#    sends the traffic through Portkey with config.json as the x-portkey-config header: a
#    fallback from primary (OpenAI wire) to backup (Anthropic wire), each pointed at the served
#    providers by custom_host.
# 3. Stops the gateway. The drill's exit code is the script's: 0 SLOs held, 1 breached.
#
# Usage: npm run drill:portkey -- [scenario] [more drill flags, e.g. --speed 20 --out DIR]
# (npm run puts the project's Node first on PATH; the project must be built, as npm ci does.)
# Portkey's providers port is fixed in config.json (8788); its own port is PORTKEY_PORT.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
scenario="${1:-scenarios/live/primary-outage.yaml}"
shift || true
port="${PORTKEY_PORT:-8787}"
version="${PORTKEY_VERSION:-1.15.2}"
log="$(mktemp)"
# The drill's --speed, for the gateway's timers.
speed=1
args=("$@")
for i in "${!args[@]}"; do
  case "${args[$i]}" in
    --speed) speed="${args[$((i + 1))]:-1}" ;;
    --speed=*) speed="${args[$i]#--speed=}" ;;
  esac
done

# In a session of its own, so that stopping it stops npx's child too.
DRILL_SPEED="$speed" \
  NODE_OPTIONS="--import=$root/recipes/portkey/loopback.mjs --import=$root/recipes/portkey/time-scale.mjs" \
  setsid npx --yes "@portkey-ai/gateway@$version" --port="$port" --headless >"$log" 2>&1 &
gateway=$!
trap 'kill -- "-$gateway" 2>/dev/null || true; rm -f "$log"' EXIT

for _ in $(seq 1 240); do
  if grep -q 'Ready for connections' "$log"; then break; fi
  if ! kill -0 "$gateway" 2>/dev/null; then
    echo "the Portkey gateway did not start:" >&2
    cat "$log" >&2
    exit 3
  fi
  sleep 0.5
done
grep -q 'Ready for connections' "$log" || { echo "the Portkey gateway did not start in 2 minutes" >&2; exit 3; }

set +e
node "$root/dist/bin/failover-drill.js" drill "$scenario" \
  --target "http://127.0.0.1:$port/v1" \
  --providers-port 8788 \
  --header "x-portkey-config: @recipes/portkey/config.json" \
  "$@"
status=$?
exit "$status"
