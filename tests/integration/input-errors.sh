# Bad input never runs anything: broken scenario files are reported as
# file:line:col and the exit status is 2; bad CLI arguments exit 2.
. "$(dirname "$0")/lib.sh"
mkdir -p "$work/bad"
cat >"$work/bad/a-good.yaml" <<'YAML'
id: good-one
title: "a valid scenario next to broken ones"
clauses: [R-4-1]
strength: MUST
expect: tls
YAML
cat >"$work/bad/b-unknown-key.yaml" <<'YAML'
id: unknown-key
title: "x"
clauses: [R-4-1]
strength: MUST
expect: tls
colour: blue
YAML
printf 'id: [unclosed\n' >"$work/bad/c-syntax.yaml"
cat >"$work/bad/d-bad-strength.yaml" <<'YAML'
id: bad-strength
title: "x"
clauses: [R-4-1]
strength: OFTEN
expect: tls
YAML
out="$work/out"
"$harness" run "$work/bad" >"$out" 2>"$work/err"
rc=$?
check "broken scenario files: exit 2 (got $rc)" [ "$rc" -eq 2 ]
check "unknown key reported as file:line:col" \
    grep -q "b-unknown-key.yaml:6:1: " "$work/err"
check "YAML syntax error reported with its location" \
    grep -Eq "c-syntax.yaml:[0-9]+:[0-9]+: " "$work/err"
check "bad enum value reported with its location" \
    grep -q "d-bad-strength.yaml:4:11: " "$work/err"
check "nothing ran" [ ! -s "$out" ]
check "no temp dir made" [ -z "$(ls -A "$TMPDIR")" ]
"$harness" lint "$work/bad/a-good.yaml" >/dev/null 2>&1
check "lint accepts a valid file" [ $? -eq 0 ]
"$harness" lint "$work/bad" >/dev/null 2>&1
check "lint rejects the directory with broken files (exit 2)" [ $? -eq 2 ]
"$harness" run --timeout 0 >/dev/null 2>"$work/err2"
check "--timeout 0 is a usage error (exit 2)" [ $? -eq 2 ]
"$harness" run --no-such-flag >/dev/null 2>&1
check "unknown option is a usage error (exit 2)" [ $? -eq 2 ]
"$harness" run --sut no-such-sut >/dev/null 2>"$work/err3"
rc=$?
grep -q "no-such-sut" "$work/err3"
check "unknown SUT is a usage error naming it (exit $rc)" \
    [ "$rc" -eq 2 -a $? -eq 0 ]
"$harness" frobnicate >/dev/null 2>&1
check "unknown command exits 2" [ $? -eq 2 ]
"$harness" run "$work/does-not-exist" >/dev/null 2>"$work/err4"
check "missing scenario path exits 2" [ $? -eq 2 ]
finish
