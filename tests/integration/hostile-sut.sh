# A hostile SUT (an over-long line, a command flood, garbage DNS queries) never
# crashes the harness or loses other scenarios' results.
. "$(dirname "$0")/lib.sh"
adapters="$top/tests/integration/adapters"
out="$work/out"
"$harness" run --sut "$adapters/flood" --json "$work/f.json" \
    "$top/scenarios/discovery/enforce-baseline.yaml" \
    "$top/scenarios/discovery/no-sts-record.yaml" >"$out" 2>"$work/err"
rc=$?
check "flood: the run completes with exit 1 (got $rc)" [ "$rc" -eq 1 ]
check "flood: enforce-baseline judged FAIL (nothing delivered)" \
    [ "$(verdict "$out" enforce-baseline)" = FAIL ]
check "flood: the next scenario still ran and was judged" \
    [ -n "$(verdict "$out" no-sts-record)" ]
check "flood: results JSON holds both scenarios" \
    [ "$(grep -c '"id": ' "$work/f.json")" -eq 2 ]
check "flood: the fake MX answered the long line with 500 and closed" \
    grep -q 'reason=line-too-long' "$work/f.json"
check "flood: no process left" [ -z "$(leftovers)" ]
[ "$nfail" -eq 0 ] || cat "$out" "$work/err"

# an adapter whose stderr would forge a console line and clear the screen
run --sut "$adapters/stderr-forge" \
    "$top/scenarios/discovery/enforce-baseline.yaml" >"$work/forge" 2>&1
check "stderr-forge: the scenario is ERROR" \
    [ "$(verdict "$work/forge" enforce-baseline)" = ERROR ]
check "stderr-forge: no forged PASS line" absent '^PASS *forged' "$work/forge"
check "stderr-forge: no terminal escape reaches the console" \
    absent "$(printf '\033')" "$work/forge"
check "stderr-forge: the newline is shown escaped" grep -q 'boom\\x0aPASS' "$work/forge"
# a sender that trusts the system store besides STS_CA_FILE: the run's
# system store holds only the unknown CA, so it must fail unknown-ca
run --sut "$adapters/system-trust" -j1 \
    "$top/scenarios/certs/enforce-cert-unknown-ca.yaml" \
    "$top/scenarios/discovery/enforce-baseline.yaml" >"$work/sys" 2>&1
check "system-trust: enforce-cert-unknown-ca FAILs (the decoy CA is trusted)" \
    [ "$(verdict "$work/sys" enforce-cert-unknown-ca)" = FAIL ]
check "system-trust: enforce-baseline still PASSes" \
    [ "$(verdict "$work/sys" enforce-baseline)" = PASS ]
run --sut reference -j1 "$top/scenarios/certs/enforce-cert-unknown-ca.yaml" \
    >"$work/sysref" 2>&1
check "system-trust: the reference sender (STS_CA_FILE only) PASSes it" \
    [ "$(verdict "$work/sysref" enforce-cert-unknown-ca)" = PASS ]
[ "$nfail" -eq 0 ] || cat "$work/sys"
finish
