# The whole catalogue against the reference sender: every scenario PASSes.
. "$(dirname "$0")/lib.sh"
out="$work/out"
"$harness" run --json "$work/r.json" >"$out" 2>"$work/err"
rc=$?
check "reference sender: sts-harness run exits 0 (got $rc)" [ "$rc" -eq 0 ]
n=$("$harness" list | wc -l)
p=$(awk '$1 == "PASS"' "$out" | wc -l)
check "reference sender: $p of $n scenarios PASS" [ "$n" -gt 0 -a "$p" -eq "$n" ]
check "results JSON written with its schema" \
    grep -q '"schema": "sts-harness/results/1"' "$work/r.json"
check "run leaves nothing in TMPDIR" [ -z "$(ls -A "$TMPDIR")" ]
[ "$nfail" -eq 0 ] || { cat "$out" "$work/err"; }
finish
