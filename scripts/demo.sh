#!/usr/bin/env bash
# Starts the simulated FreeSWITCH (eslsim) on a free loopback port and runs eslsh against it.
# With a terminal, you get an eslsh session to type into; otherwise a scripted tour runs.
set -euo pipefail
bin=${1:-.build/debug}
log=$(mktemp)
# A busy switch (about 25 calls up, bridged and not, unicode callers) so /top and /trace have something to show.
"$bin/eslsim" --port 0 --busy 25 --heartbeat 10 >"$log" 2>&1 &
sim=$!
trap 'kill $sim 2>/dev/null; rm -f "$log"' EXIT
for _ in $(seq 50); do grep -q listening "$log" && break; sleep 0.1; done
port=$(sed -n 's/.*listening on .*:\([0-9]*\)$/\1/p' "$log")
[ -n "$port" ] || { echo "eslsim did not start:"; cat "$log"; exit 1; }
echo "== simulated FreeSWITCH on 127.0.0.1:$port (password ClueCon)"
echo "== eslsh -P $port -x status -x 'show calls count'"
"$bin/eslsh" -P "$port" -x status -x "show calls count"
if [ -t 0 ] && [ -t 1 ]; then
    echo "== eslsh -P $port   (try /top for the live calls (q leaves), /trace <Tab> for one call's timeline, 'show calls', '/log info'; Ctrl-D quits)"
    "$bin/eslsh" -P "$port"
else
    echo "== a script on standard input: originate a call, watch its log lines, hang it up"
    printf '%s\n' '/log notice' 'originate loopback/9196/default &park' 'show calls count' 'hupall' |
        "$bin/eslsh" -P "$port"
    echo "== eslsh -P $port --trace <a call up now>, for three seconds"
    uuid=$("$bin/eslsh" -P "$port" -x "show calls as json" | grep -o '"uuid":"[^"]*"' | head -1 | cut -d'"' -f4)
    [ -z "$uuid" ] || timeout 3 "$bin/eslsh" -P "$port" --trace "$uuid" || true
fi
