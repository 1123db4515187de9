# The whole catalogue against the reference sender: every scenario PASSes.
. "$(dirname "$0")/lib.sh"
out="$work/out"
run --json "$work/r.json" >"$out" 2>"$work/err"
rc=$?
check "reference sender: sts-harness run exits 0 (got $rc)" [ "$rc" -eq 0 ]
# graded: MUST and SHOULD; a MAY or INFO scenario's verdict is INFO
n=$("$harness" list | awk '$2 == "MUST" || $2 == "SHOULD"' | wc -l)
p=$(awk '$1 == "PASS"' "$out" | wc -l)
check "reference sender: $p of $n graded scenarios PASS" [ "$n" -gt 0 -a "$p" -eq "$n" ]
ni=$("$harness" list | awk '$2 == "INFO" || $2 == "MAY"' | wc -l)
check "reference sender: the $ni MAY and INFO scenarios are INFO" \
    [ "$ni" -gt 0 -a "$(awk '$1 == "INFO"' "$out" | wc -l)" -eq "$ni" ]
# each first-contact twin records how the sender fetched: synchronously
# before any MX connection, unless the attack blocks the TXT lookup (then
# there is nothing to fetch)
for id in $("$harness" list | awk '$2 == "INFO" && $1 ~ /-first-contact$/ { print $1 }'); do
	want=synchronous
	"$harness" show "$id" | grep -q '^  fault: _mta-sts ' && want="no policy fetch"
	r=$(reason "$out" "$id")
	check "reference sender: first contact $id records: $want" \
	    sh -c "echo '$r' | grep -q '$want'"
done
check "results JSON written with its schema" \
    grep -q '"schema": "sts-harness/results/2"' "$work/r.json"
check "results JSON maps every scenario to its random domain" \
    [ "$(grep -c '"domain": "[a-z0-9]\{16\}\.test"' "$work/r.json")" -eq "$("$harness" list | wc -l)" ]
# lanes change nothing: a hundred scenarios with one lane and with two
# (same seed: same domains, addresses and order within each scenario)
lanes_set="$top/scenarios/attacks $top/scenarios/domains $top/scenarios/cache $top/scenarios/certs"
sanitized && lanes_set=$(sample_set)
# shellcheck disable=SC2086
run -j1 --seed 5 --json "$work/j1.json" $lanes_set >"$work/j1" 2>&1
# shellcheck disable=SC2086
run -j2 --seed 5 --json "$work/j2.json" $lanes_set >"$work/j2" 2>&1
verdicts_of() { awk '/^[A-Z-]+ +[a-z0-9-]+ +[A-Z]+ +leak=/ { print $2, $1, $4 }' "$1" | sort; }
verdicts_of "$work/j1" >"$work/v1"
verdicts_of "$work/j2" >"$work/v2"
check "-j1 and -j2 give the same verdicts and leaks for all $(wc -l <"$work/v1") scenarios" \
    sh -c "[ -s '$work/v1' ] && cmp -s '$work/v1' '$work/v2'"
check "-j2 ran two lanes, -j1 one" \
    sh -c "grep -q '\"lanes\": 2' '$work/j2.json' && grep -q '\"lanes\": 1' '$work/j1.json'"
missing=$("$harness" list | awk '{ print $4 }' | tr ',' '\n' | sort -u |
    while read -r c; do grep -q "^| $c |" "$top/docs/requirements.md" || echo "$c"; done)
check "every clause a scenario names is in docs/requirements.md (${missing:-all})" \
    [ -z "$missing" ]
# --repeat: every repetition on fresh domains, all results reported
run --repeat 3 --seed 9 --json "$work/rep.json" \
    "$top/scenarios/discovery/enforce-baseline.yaml" \
    "$top/scenarios/domains/shared-mx-forged-mx.yaml" >"$work/rep" 2>&1
check "--repeat 3: exit 0" [ $? -eq 0 ]
check "--repeat 3: three repetitions on the console, seeds 9, 10, 11" \
    sh -c "grep -q '^repetition 1/3 (seed 9):' '$work/rep' &&
    grep -q '^repetition 3/3 (seed 11):' '$work/rep' &&
    grep -q '^3 repetitions, 6 results in' '$work/rep'"
check "--repeat 3: six results in the JSON, repetitions 1..3, six domains" \
    python3 -c "
import json, sys
d = json.load(open('$work/rep.json'))
s = d['scenarios']
ok = len(s) == 6 and sorted(x['repetition'] for x in s) == [1, 1, 2, 2, 3, 3] \
    and len(set(x['domain'] for x in s)) == 6 and d['summary']['repeat'] == 3 \
    and d['summary']['total'] == 6 and d['summary']['PASS'] == 6
sys.exit(0 if ok else 1)"
check "run leaves nothing in TMPDIR" [ -z "$(ls -A "$TMPDIR")" ]
[ "$nfail" -eq 0 ] || { cat "$out" "$work/err"; }
finish
