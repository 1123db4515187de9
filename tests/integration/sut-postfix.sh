# The real-world SUTs (suts/postfix-sts, suts/postfix-naive,
# suts/postfix-dane) on a smoke subset, two instances side by side (-j2):
# Postfix 3.7 with postfix-mta-sts-resolver must PASS every scenario of it;
# the same Postfix without MTA-STS must FAIL every enforce attack of it with
# the message leaked; with Postfix's DANE on as well, its DANE works where no
# policy map entry applies (dane-tlsa-mismatch PASS) and the map's "secure"
# overrides it where one does (dane-vs-sts FAIL, the deviation of RFC 8461
# §2 docs/results.md reports). A probe moves the clock past max_age to show that clock really
# moves both daemons (the cached policy is then gone: a leak), and a broken
# policy map must be ERROR, never a fail-closed PASS. Needs root and the
# packages of scripts/install-deps; skipped without them.
# shellcheck shell=sh
. "$(dirname "$0")/lib.sh"
if [ "$(id -u)" != 0 ] || ! command -v postfix >/dev/null 2>&1 ||
    [ ! -x /usr/bin/mta-sts-daemon ] ||
    ! ls /usr/lib/*/faketime/libfaketime.so.1 >/dev/null 2>&1; then
	echo "skip - postfix SUTs need root, postfix, postfix-mta-sts-resolver and faketime (scripts/install-deps)"
	exit 0
fi
sts="$BUILD/suts/postfix-sts/adapter"
naive="$BUILD/suts/postfix-naive/adapter"
sc="$top/scenarios"
attacks="attacks/enforce-starttls-stripped attacks/enforce-mx-redirect
certs/enforce-cert-wrong-name attacks/enforce-strip-txt-removed-cached
cache/enforce-cache-survives-restart cache/enforce-cache-valid-before-max-age"
files="$sc/discovery/enforce-baseline.yaml"
ids=""
for a in $attacks; do
	files="$files $sc/$a.yaml"
	ids="$ids ${a#*/}"
done
# the clock probe: the same cached-policy attack, 25 h into a 1-day max_age
probe="$work/clock-probe-expired.yaml"
sed -e 's/clock: 82800/clock: 90000/' -e 's/^id: .*/id: clock-probe-expired/' \
    "$sc/cache/enforce-cache-valid-before-max-age.yaml" >"$probe"

# pf_procs -> PIDs of Postfix daemons and resolvers (a run must leave none)
pf_procs() {
	for c in /proc/[0-9]*/cmdline; do
		grep -qs 'postfix/sbin/\|mta-sts-daemon' "$c" && echo "${c%/cmdline}"
	done
	return 0
}
before=$(pf_procs)

# 1. postfix-sts: every scenario PASSes; the probe leaks (clock moved)
# shellcheck disable=SC2086
run --sut "$sts" -j2 --json "$work/sts.json" $files "$probe" >"$work/sts" 2>&1
rc=$?
check "postfix-sts: exit 1, the probe being the only unmet one (got $rc)" \
    [ "$rc" -eq 1 ]
v=$(verdict "$work/sts" enforce-baseline) l=$(leak "$work/sts" enforce-baseline)
check "postfix-sts: enforce-baseline PASS leak=none (got $v leak=$l)" \
    [ "$v" = PASS -a "$l" = none ]
for id in $ids; do
	v=$(verdict "$work/sts" "$id")
	check "postfix-sts: $id PASS (got $v)" [ "$v" = PASS ]
done
v=$(verdict "$work/sts" clock-probe-expired) l=$(leak "$work/sts" clock-probe-expired)
check "postfix-sts: past max_age the policy is gone (probe FAIL leak=message, got $v leak=$l)" \
    [ "$v" = FAIL -a "$l" = message ]
check "postfix-sts: info names Postfix and resolver versions" \
    grep -q '"version": "postfix 3\.[0-9.]*, postfix-mta-sts-resolver [0-9]' "$work/sts.json"
check "postfix-sts: nothing misreported" grep -q '"misreported": 0' "$work/sts.json"
[ "$nfail" -eq 0 ] || cat "$work/sts"

# 2. postfix-naive: every enforce attack FAILs with the message leaked; it
# never fetches a policy, so each priming step waits STS_TIMEOUT: keep it short
n0=$nfail
# shellcheck disable=SC2086
run --sut "$naive" -j2 --policy-wait 2 $files >"$work/naive" 2>&1
rc=$?
check "postfix-naive: exit 1 (got $rc)" [ "$rc" -eq 1 ]
for id in $ids; do
	v=$(verdict "$work/naive" "$id") l=$(leak "$work/naive" "$id")
	check "postfix-naive: $id FAIL leak=message (got $v leak=$l)" \
	    [ "$v" = FAIL -a "$l" = message ]
done
# it delivers over TLS; the baseline fails it only for the missing fetch
r=$(reason "$work/naive" enforce-baseline)
check "postfix-naive: enforce-baseline delivered over TLS, no policy fetch" \
    sh -c "echo '$r' | grep -q 'no policy fetch.*over TLS.*adapter said delivered'"
[ "$nfail" -eq "$n0" ] || cat "$work/naive"

# 3. a broken policy map (resolver alive, map socket dead) is ERROR
n0=$nfail
STS_POSTFIX_FAULT=broken-map run --sut "$sts" -j1 \
    "$sc/attacks/enforce-starttls-stripped.yaml" >"$work/broken" 2>&1
v=$(verdict "$work/broken" enforce-starttls-stripped)
check "postfix-sts, broken policy map: ERROR, not a fail-closed PASS (got $v)" \
    [ "$v" = ERROR ]
check "postfix-sts, broken policy map: the reason names the lookup error" \
    grep -q 'SUT error: .*policy table lookup error' "$work/broken"
[ "$nfail" -eq "$n0" ] || cat "$work/broken"

# 4. postfix-dane on the DANE scenarios
n0=$nfail
# (dane-tlsa-mismatch's two worlds differ only in the TLSA digest: its PASS,
# the twin delivered and the attacked world did not, is Postfix's DANE)
run --sut "$BUILD/suts/postfix-dane/adapter" -j2 "$sc/dane" >"$work/dane" 2>&1
for id in dane-tlsa-mismatch dane-tlsa-insecure; do
	v=$(verdict "$work/dane" "$id")
	check "postfix-dane: $id PASS (got $v)" [ "$v" = PASS ]
done
v=$(verdict "$work/dane" dane-vs-sts) l=$(leak "$work/dane" dane-vs-sts)
check "postfix-dane: dane-vs-sts FAIL leak=message, MTA-STS overriding DANE (got $v leak=$l)" \
    [ "$v" = FAIL -a "$l" = message ]
[ "$nfail" -eq "$n0" ] || cat "$work/dane"

check "no Postfix daemon or resolver left behind" [ "$(pf_procs)" = "$before" ]
finish
