# The whole catalogue against the reference sender: every scenario PASSes.
. "$(dirname "$0")/lib.sh"
out="$work/out"
run --json "$work/r.json" >"$out" 2>"$work/err"
rc=$?
check "reference sender: sts-harness run exits 0 (got $rc)" [ "$rc" -eq 0 ]
n=$("$harness" list | awk '$2 != "INFO"' | wc -l)
p=$(awk '$1 == "PASS"' "$out" | wc -l)
check "reference sender: $p of $n graded scenarios PASS" [ "$n" -gt 0 -a "$p" -eq "$n" ]
ni=$("$harness" list | awk '$2 == "INFO"' | wc -l)
i=$(grep -c '^INFO .*synchronous' "$out")
check "reference sender: INFO first-contact scenarios record a synchronous fetch ($i of $ni)" \
    [ "$ni" -gt 0 -a "$(awk '$1 == "INFO"' "$out" | wc -l)" -eq "$ni" ]
check "results JSON written with its schema" \
    grep -q '"schema": "sts-harness/results/2"' "$work/r.json"
check "results JSON maps every scenario to its random domain" \
    [ "$(grep -c '"domain": "[a-z0-9]\{16\}\.test"' "$work/r.json")" -eq "$("$harness" list | wc -l)" ]
missing=$("$harness" list | awk '{ print $4 }' | tr ',' '\n' | sort -u |
    while read -r c; do grep -q "^| $c |" "$top/docs/requirements.md" || echo "$c"; done)
check "every clause a scenario names is in docs/requirements.md (${missing:-all})" \
    [ -z "$missing" ]
check "run leaves nothing in TMPDIR" [ -z "$(ls -A "$TMPDIR")" ]
[ "$nfail" -eq 0 ] || { cat "$out" "$work/err"; }
finish
