# Hostile adapters that each got a false PASS (or SKIP) out of the first
# judge. Each now gets the verdict docs/verdicts.md gives: FAIL for the
# leaks, ERROR for the broken or idle SUT; and a sender that reads names
# instead of doing MTA-STS passes no attack.
. "$(dirname "$0")/lib.sh"
sc="$top/scenarios"
strip="$sc/attacks/enforce-starttls-stripped.yaml"
base="$sc/discovery/enforce-baseline.yaml"

# expect NAME ID VERDICT [REASON-REGEX] -- ID's final verdict in $work/NAME
expect() {
	v=$(verdict "$work/$1" "$2") r=$(reason "$work/$1" "$2")
	if [ "$v" = "$3" ] && { [ -z "${4:-}" ] || echo "$r" | grep -Eq "$4"; }; then
		ok "$1: $2 is $3${4:+ ($4)}"
	else
		notok "$1: $2 is $3${4:+ ($4)}: got $v: $r"
	fi
}

# 1. a queueing sender retries a deferred message in plaintext on the next
#    deliver, without the policy: a leak under an old token, in a later step
# (one lane: its retry comes with the next deliver of the same SUT instance)
run -j1 --sut "$adapters/queue-retry" --seed 11 "$strip" "$base" >"$work/queue" 2>&1
expect queue enforce-starttls-stripped FAIL "late delivery: message body reached mx1"
check "queue: the leak is reported as leak=message" \
    [ "$(leak "$work/queue" enforce-starttls-stripped)" = message ]

# 2. the attacker's (preferred) MX first, then the genuine one
run --sut "$adapters/attacker-first" "$sc/mx-match/mx-injected-preferred.yaml" \
    >"$work/first" 2>&1
expect first mx-injected-preferred FAIL "message body reached evil"

# 3. leaks, then exits 89: observed outranks said (a one-step MUST attack,
#    so the leak happens in the step whose deliver says 89)
mkdir -p "$work/sc"
sed -e 's/^id: .*/id: strip-one-step/' -e 's/^strength: .*/strength: MUST/' \
    "$sc/attacks/enforce-starttls-stripped-first-contact.yaml" \
    >"$work/sc/strip-one-step.yaml"
run --sut "$adapters/leak-then-89" "$work/sc/strip-one-step.yaml" >"$work/l89" 2>&1
rc=$?
expect l89 strip-one-step FAIL "attacker-controlled"
check "leak-then-89: exit status 1, not 0 (got $rc)" [ "$rc" -eq 1 ]

# 4. 256 idle connections to each MX, then the leak: nothing goes unseen;
#    and a body refused with 552 after it was sent is a leak too
export STS_TEST_OUT="$work/out.d"
mkdir -p "$STS_TEST_OUT"
one="$work/sc/strip-one-step.yaml"
run --sut "$adapters/idle-flood" "$one" >"$work/idle" 2>&1
check "idle-flood: it did open its 256 connections" \
    [ "$(cat "$STS_TEST_OUT/idle-flood.n" 2>/dev/null)" = 256 ]
expect idle strip-one-step FAIL "message body reached mx1"
check "idle-flood: leak=message" [ "$(leak "$work/idle" strip-one-step)" = message ]
STS_TEST_BIG=1 run --sut "$adapters/idle-flood" "$one" >"$work/big" 2>&1
expect big strip-one-step FAIL "rejected with 552"
#    past the fake MX's bound (1024 live sessions) a connection is refused:
#    the step cannot be judged, and is ERROR, never PASS (here the leak
#    itself is refused too, so no FAIL can be proven)
STS_TEST_CONNS=1100 run --sut "$adapters/idle-flood" "$one" >"$work/cap" 2>&1
check "idle-flood: it did open 1100 connections" \
    [ "$(cat "$STS_TEST_OUT/idle-flood.n" 2>/dev/null)" = 1100 ]
expect cap strip-one-step ERROR "observation incomplete: fake MX .* refused a connection"

# 5. a detached queue runner retries in plaintext 1.5 s after deliver returns:
#    after the scenario's verdict is printed (its twin takes far less, even
#    under load), within a quiet period of 3 s after the last event
run --sut "$adapters/detached-retry" --quiet-period 3 "$strip" >"$work/detached" 2>&1
expect detached enforce-starttls-stripped FAIL "late delivery"
check "detached-retry: the console says the verdict changed after the run" \
    grep -q '^FAIL .*enforce-starttls-stripped .*(final)$' "$work/detached"

# 6. reads names, Subject and scenario files instead of doing MTA-STS: no
#    attack a sender must resist (attacked step expects none or tls) passes,
#    but those its opportunistic fallback passes by nature (naive-passes)
resist=$( (attacks_expecting none; attacks_expecting tls) | sort |
    while read -r id; do
	grep -q "^$id:" "$(dirname "$0")/naive-passes" && continue
	# (the sanitized build: the attacks and domains folders)
	sanitized && ! find $(sample_set) -name "$id.yaml" | grep -q . && continue
	echo "$id"
    done)
STS_HARNESS_BUILD="$BUILD" run --sut "$adapters/name-reader" --timeout 1 --policy-wait 0.2 \
    $(for id in $resist; do find "$sc" -name "$id.yaml"; done) \
    >"$work/names" 2>&1
passed=$(for id in $resist; do
	[ "$(verdict "$work/names" "$id")" = PASS ] && echo "$id"; done)
check "name-reader: no attack passes (passed: ${passed:-none})" [ -z "$passed" ]
# (a SHOULD attack grades what it catches NON-STRICT)
check "name-reader: it was judged on every one ($(echo $resist | wc -w))" \
    [ "$(grep -Ec '^(FAIL|NON-STRICT) ' "$work/names")" -eq "$(echo $resist | wc -w)" ]

# 7. a sender that never delivers: a twin that saw nothing, and steps in
#    which nothing happened, are ERROR (and see input-errors.sh for the
#    loader's refusal of a twinless "expect: none")
run --sut "$adapters/never-delivers" --timeout 1 "$strip" "$base" >"$work/never" 2>&1
expect never enforce-starttls-stripped ERROR "nothing observed"
expect never enforce-baseline ERROR "nothing observed"

# 8. a broken SUT that fails closed and says so
run --sut "$adapters/error-outcome" "$strip" "$base" >"$work/error" 2>&1
expect error enforce-starttls-stripped ERROR "SUT error: policy resolver is down"
expect error enforce-baseline ERROR "SUT error"

# 9. expect.retry (enforce-blocked-retried): the withheld message of step 2
#    must come back in step 3 over verified TLS, under its own token. A
#    plaintext retry at the genuine mx1 of the clean world fails step 2; a
#    resend under a forged token, or retries inside step 2's own deliver,
#    do not meet step 3's retry; the reference sender passes, its mutant
#    no-retry does not
retry="$sc/cache/enforce-blocked-retried.yaml"
run --sut "$adapters/retry-plain" "$retry" >"$work/rplain" 2>&1
expect rplain enforce-blocked-retried FAIL \
    "step 2: expected none; late delivery: message body reached mx1[^ ]* in plaintext, but step 3 retries"
run --sut "$adapters/retry-forged" "$retry" >"$work/rforged" 2>&1
expect rforged enforce-blocked-retried NON-STRICT "step 2's message not retried"
run --sut "$adapters/retry-in-window" "$retry" >"$work/rwindow" 2>&1
expect rwindow enforce-blocked-retried NON-STRICT "step 2's message not retried"
run "$retry" >"$work/rref" 2>&1
expect rref enforce-blocked-retried PASS
STS_BUG=no-retry run "$retry" >"$work/rnone" 2>&1
expect rnone enforce-blocked-retried NON-STRICT "step 3: .*step 2's message not retried"
# 10. operator alerts (alert:): the judge believes an alert only where the
#    policy host really failed a refresh of the step, and only for a line
#    naming the domain. An adapter that alerts about every domain gets no
#    alert: true where the refresh was never attempted (an hour after the
#    fetch, under the day sts-send waits), and fails alert: false (graded
#    SHOULD here); one whose alert names no domain meets nothing; one that
#    cannot read logs (89) is SKIP.
al="$sc/cache/cache-refresh-failure-alert.yaml"
sed -e 's/^id: .*/id: alert-no-refresh/' -e 's/clock: 172800/clock: 3600/' \
    "$al" >"$work/sc/alert-no-refresh.yaml"
sed -e 's/^id: .*/id: alert-false-should/' -e 's/^strength: .*/strength: SHOULD/' \
    "$sc/cache/cache-refresh-failure-none-no-alert.yaml" >"$work/sc/alert-false-should.yaml"
alerts_set="$al $work/sc/alert-no-refresh.yaml $work/sc/alert-false-should.yaml"
run --sut "$adapters/alert-always" $alerts_set >"$work/aalways" 2>&1
expect aalways alert-no-refresh NON-STRICT "no failed policy fetch \(nothing to alert about\)"
expect aalways alert-false-should NON-STRICT "1 alert naming the domain"
expect aalways cache-refresh-failure-alert PASS
run $alerts_set >"$work/aref" 2>&1
expect aref alert-false-should PASS
expect aref cache-refresh-failure-alert PASS
run --sut "$adapters/alert-no-domain" "$al" >"$work/anodom" 2>&1
expect anodom cache-refresh-failure-alert NON-STRICT "no alert naming the domain \(1 line\)"
check "alert-no-domain: its alert is shown escaped" \
    grep -q 'refresh failed\\x1b\[2J\\x0dPASS forged' "$work/anodom"
check "alert-no-domain: no raw escape byte on the console" \
    sh -c "! grep -q \"$(printf '\033')\" '$work/anodom'"
run --sut "$adapters/alert-unsupported" "$al" >"$work/a89" 2>&1
expect a89 cache-refresh-failure-alert SKIP "alerts: exit 89"

# DANE (scenarios/dane): the signed-zone scenarios judge a SUT that claims
# DANE by what reached the MX, never by its word. The naive sender claiming
# DANE delivers whatever the TLSA record says: FAIL. A sender that looks a
# signed zone up and then refuses it is right in the attacked world but
# proves nothing: its clean twin does not deliver (ERROR, never PASS). 89 to "dane", or a run with
# --resolver direct (nothing validates), is SKIP.
dsts="$sc/dane/dane-vs-sts.yaml" dmis="$sc/dane/dane-tlsa-mismatch.yaml"
run --sut "$adapters/dane-claim" --policy-wait 0.2 "$dsts" "$dmis" >"$work/dclaim" 2>&1
expect dclaim dane-vs-sts FAIL "message body reached mx1"
expect dclaim dane-tlsa-mismatch FAIL "message body reached mx1"
run --sut "$adapters/dane-refuse" "$dsts" >"$work/drefuse" 2>&1
expect drefuse dane-vs-sts ERROR "clean twin step 2: did not deliver over verified TLS"
run --sut "$adapters/dane-unsupported" "$dsts" >"$work/d89" 2>&1
expect d89 dane-vs-sts SKIP "dane: exit status 89"
run --resolver direct "$dsts" >"$work/ddirect" 2>&1
expect ddirect dane-vs-sts SKIP "validating resolver"
run "$dsts" "$dmis" "$sc/dane/dane-tlsa-insecure.yaml" >"$work/dref" 2>&1
expect dref dane-vs-sts PASS
expect dref dane-tlsa-mismatch PASS
expect dref dane-tlsa-insecure PASS

# reproducible: the same seed gives the same domains and order
run --seed 42 --json "$work/s1.json" "$strip" >/dev/null 2>&1
run --seed 42 --json "$work/s2.json" "$strip" >/dev/null 2>&1
d1=$(grep -E '"(twin_)?domain"|"twin_first"' "$work/s1.json")
d2=$(grep -E '"(twin_)?domain"|"twin_first"' "$work/s2.json")
check "--seed 42 twice: the same domains and order" [ -n "$d1" -a "$d1" = "$d2" ]
run --seed 43 --json "$work/s3.json" "$strip" >/dev/null 2>&1
check "--seed 43: other domains" \
    [ "$(grep '"domain"' "$work/s3.json")" != "$(grep '"domain"' "$work/s1.json")" ]
check "the message names no scenario and no twin" \
    sh -c "! grep -qi 'twin\|enforce-starttls' '$work/s1.json' || \
    ! grep -o '\"transcript\": \[[^]]*' '$work/s1.json' | grep -qi 'enforce-starttls'"
[ "$nfail" -eq 0 ] || tail -n 40 "$work"/queue "$work"/first "$work"/names
finish
