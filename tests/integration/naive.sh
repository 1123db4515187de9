# The naive sender (opportunistic TLS, no MTA-STS) must FAIL every attack the
# catalogue expects a sender to resist, with the message leaked.
. "$(dirname "$0")/lib.sh"
out="$work/out"
# the naive sender never fetches a policy: each priming step waits the
# whole STS_TIMEOUT for it, so keep that short (0.2 s: it never comes)
set_n=
sanitized && set_n=$(sample_set)
# shellcheck disable=SC2086
run --sut naive --timeout 1 --policy-wait 0.2 --json "$work/n.json" $set_n >"$out" 2>"$work/err"
rc=$?
check "naive sender: sts-harness run exits 1 (got $rc)" [ "$rc" -eq 1 ]
in_run "$out" | sort >"$work/ran"
ids=$(attacks_expecting none | sort | comm -12 - "$work/ran")
check "the catalogue has attacks that expect no delivery" [ -n "$ids" ]
# the exceptions, each with its reason (naive-passes), and the map of the
# mutants that catch them instead
passes="$(dirname "$0")/naive-passes"
map="$(dirname "$0")/mutants.map"
for id in $ids; do
	v=$(verdict "$out" "$id") l=$(leak "$out" "$id")
	if grep -q "^$id:" "$passes"; then
		check "naive: $id is PASS, as naive-passes says, and a mutant of mutants.map catches it (got $v)" \
		    sh -c "[ '$v' = PASS ] && grep -Eq ' $id( |\$)' '$map'"
		continue
	fi
	# a DANE scenario: the naive adapter is no DANE sender and says 89
	# (verdicts.sh's dane-claim, the naive sender claiming DANE, FAILs)
	if [ "$v" = SKIP ] && reason "$out" "$id" | grep -q 'dane: exit status 89'; then
		ok "naive: $id is SKIP (\"dane\" exits 89)"
		continue
	fi
	# a SHOULD scenario grades what it catches NON-STRICT
	want=FAIL
	[ "$("$harness" list | awk -v id="$id" '$1 == id { print $2 }')" = SHOULD ] &&
	    want=NON-STRICT
	check "naive: $id is $want with leak=message (got $v leak=$l)" \
	    [ "$v" = "$want" -a "$l" = message ]
done
for id in $("$harness" list | awk '$2 == "INFO" && $3 == "none" && $1 ~ /-first-contact$/ { print $1 }' | sort | comm -12 - "$work/ran"); do
	v=$(verdict "$out" "$id") r=$(reason "$out" "$id")
	check "naive: first contact $id is recorded INFO, leak and no fetch noted" \
	    sh -c "[ '$v' = INFO ] && echo '$r' | grep -q 'attacker-controlled.*no policy fetch'"
done
[ "$nfail" -eq 0 ] || cat "$out" "$work/err"
finish
