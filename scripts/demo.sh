#!/usr/bin/env bash
# Starts the simulated FreeSWITCH (eslsim) on a free loopback port and runs eslsh against it.
# First a short scripted tour (one call's events and log lines), then, with a terminal, an eslsh
# session to type into. The script ends with eslsh's exit status.
set -euo pipefail
bin=${1:-.build/debug}
log=$(mktemp)
# A small busy switch: a few calls up at once (bridged and not, unicode callers), so /top, /trace and
# `/execute <uuid>` + Tab have something to show, and a handful of log lines per call, not a flood.
"$bin/eslsim" --port 0 --busy 4 --heartbeat 0 >"$log" 2>&1 &
sim=$!
trap 'kill $sim 2>/dev/null; rm -f "$log"' EXIT
for _ in $(seq 50); do grep -q listening "$log" && break; sleep 0.1; done
port=$(sed -n 's/.*listening on .*:\([0-9]*\)$/\1/p' "$log")
[ -n "$port" ] || { echo "eslsim did not start:"; cat "$log"; exit 1; }
echo "== A simulated FreeSWITCH on 127.0.0.1:$port (password ClueCon): a few calls up at any time."
echo
echo "== eslsh -P $port -x status -x 'show calls count'"
"$bin/eslsh" -P "$port" -x status -x "show calls count"
echo
echo "== A script on standard input: events and NOTICE log lines of one call, from originate to its hangup"
printf '%s\n' '/log notice' '/filter Caller-Destination-Number 9196' '/event plain CHANNEL_CREATE CHANNEL_ANSWER CHANNEL_HANGUP_COMPLETE' \
    'originate loopback/9196/default &park' 'msleep 1000' 'hupall NORMAL_CLEARING destination_number 9196' 'msleep 500' |
    "$bin/eslsh" -P "$port" --color never
echo
if [ -t 0 ] && [ -t 1 ]; then
    echo "== eslsh -P $port --log notice   (the console; it shows NOTICE log lines of the calls as they come)"
    echo "   Try: /top (live calls; q leaves), /trace <Tab> (one call's timeline), show channels,"
    echo "        /event plain CHANNEL_CREATE (events), /log debug (more), /nolog (none), /help; Ctrl-D leaves."
    echo
    status=0
    "$bin/eslsh" -P "$port" --log notice || status=$?
    exit "$status"
fi
