# sts-harness report --markdown: results files become one matrix; every
# non-PASS needs an explanation; bad inputs are told with their location.
# And docs/results.md covers exactly the catalogue (refreshed with it).
. "$(dirname "$0")/lib.sh"
base="$top/scenarios/discovery/enforce-baseline.yaml"
strip="$top/scenarios/attacks/enforce-starttls-stripped.yaml"
run --sut reference --json "$work/ref.json" "$base" "$strip" >/dev/null 2>&1
run --sut naive --policy-wait 1 --json "$work/naive.json" "$base" "$strip" >/dev/null 2>&1
"$harness" report --markdown "$work/ref.json" "$work/naive.json" >"$work/md" 2>"$work/err"
rc=$?
check "report: exit 0, every non-PASS explained (got $rc)" [ "$rc" -eq 0 ]
check "report: a column per SUT" grep -q '^| scenario | strength | reference | naive |$' "$work/md"
check "report: the stripped row, PASS for reference, FAIL message for naive" \
    grep -q '^| attacks/enforce-starttls-stripped | MUST | PASS ehlo | FAIL message |$' "$work/md"
check "report: naive's FAIL explained from suts/naive/explanations" \
    grep -q '^- `enforce-starttls-stripped` FAIL (leak message): Control without MTA-STS' "$work/md"
[ "$rc" -eq 0 ] || cat "$work/err"
# a timing-dependent SUT may have one line per verdict of a scenario: the
# run's is used, its sibling is not stale; a lone line of another verdict is
mkdir -p "$work/root/suts/reference"
ln -s "$top/scenarios" "$work/root/scenarios"
printf '%s\n' 'enforce-starttls-stripped PASS a note for the PASS' \
    'enforce-starttls-stripped FAIL the FAIL of another run' \
    >"$work/root/suts/reference/explanations"
STS_HARNESS_ROOT="$work/root" "$harness" report --markdown "$work/ref.json" \
    >"$work/md6" 2>"$work/err6"
check "report: one line per verdict: exit 0, the PASS note used" \
    sh -c "[ $? -eq 0 ] && grep -q 'enforce-starttls-stripped. PASS (note): a note for the PASS' '$work/md6'"
printf '%s\n' 'enforce-starttls-stripped FAIL the FAIL of another run' \
    >"$work/root/suts/reference/explanations"
STS_HARNESS_ROOT="$work/root" "$harness" report --markdown "$work/ref.json" \
    >/dev/null 2>"$work/err7"
check "report: a lone line of another verdict is stale: exit 1" \
    sh -c "[ $? -eq 1 ] && grep -q 'enforce-starttls-stripped: explains FAIL, but the run says otherwise (stale)' '$work/err7'"
# a SUT without explanations: each non-PASS is named, exit 1
run --sut "$adapters/liar" --json "$work/liar.json" "$base" >/dev/null 2>&1
"$harness" report --markdown "$work/liar.json" >"$work/md2" 2>"$work/err2"
check "report: an unexplained non-PASS makes exit 1" [ $? -eq 1 ]
check "report: ... and says which line to add" \
    grep -q 'suts/adapters/explanations: enforce-baseline [A-Z-]*: no explanation (add "enforce-baseline [A-Z-]* TEXT")' "$work/err2"
check "report: ... and marks it in the matrix" grep -q '\*\*unexplained\*\*' "$work/md2"
# hostile and broken inputs
printf '{"schema": "sts-harness/results/2", "scenarios": [\n  {"id": "x"\n' >"$work/broken.json"
"$harness" report --markdown "$work/broken.json" >/dev/null 2>"$work/err3"
check "report: broken JSON: exit 2 with file:line:col" \
    [ $? -eq 2 ] && grep -q "broken.json:[0-9]*:[0-9]*:" "$work/err3"
sed 's/results\/2/results\/1/' "$work/ref.json" >"$work/old.json"
"$harness" report --markdown "$work/old.json" >/dev/null 2>"$work/err4"
check "report: another schema: exit 2, named" [ $? -eq 2 ] && grep -q 'schema "sts-harness/results/1"' "$work/err4"
sed 's/"version": "0.2"/"version": "x|y\\u001b[2J"/' "$work/ref.json" >"$work/evil.json"
"$harness" report --markdown "$work/evil.json" >"$work/md5" 2>&1
check "report: '|' and escapes in a string cannot break the table" \
    grep -q '| x\\|y\\x1b\[2J |' "$work/md5"
check "report: no terminal escape in the output" absent "$(printf '\033')" "$work/md5"
"$harness" report --markdown >/dev/null 2>&1
check "report without files: usage, exit 2" [ $? -eq 2 ]
# docs/results.md is current: exactly the catalogue's scenarios
"$harness" list | awk '{ print $1 }' | sort >"$work/ids"
sed -n 's/^| [a-z-]*\/\([a-z0-9-]*\) | .*/\1/p' "$top/docs/results.md" | sort >"$work/doc-ids"
check "docs/results.md has a row for every catalogue scenario and no other (make results)" \
    cmp -s "$work/ids" "$work/doc-ids"
cmp -s "$work/ids" "$work/doc-ids" || diff "$work/ids" "$work/doc-ids"
finish
