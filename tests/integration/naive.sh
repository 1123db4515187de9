# The naive sender (opportunistic TLS, no MTA-STS) must FAIL every attack the
# catalogue expects a sender to resist, with the message leaked.
. "$(dirname "$0")/lib.sh"
out="$work/out"
"$harness" run --sut naive --json "$work/n.json" >"$out" 2>"$work/err"
rc=$?
check "naive sender: sts-harness run exits 1 (got $rc)" [ "$rc" -eq 1 ]
ids=$(attacks_expecting none)
check "the catalogue has attacks that expect no delivery" [ -n "$ids" ]
for id in $ids; do
	v=$(verdict "$out" "$id") l=$(leak "$out" "$id")
	check "naive: $id is FAIL with leak=message (got $v leak=$l)" \
	    [ "$v" = FAIL -a "$l" = message ]
done
[ "$nfail" -eq 0 ] || cat "$out" "$work/err"
finish
