# sts-harness coverage and show: requirement ids from a requirements table,
# the scenarios citing each; exit 1 while a sender requirement has none or
# a scenario cites an unknown id; docs/coverage.md is current.
. "$(dirname "$0")/lib.sh"
req="$work/req.md"
cat >"$req" <<'EOT'
| id | § | requirement | strength |
|---|---|---|---|
| R-1-1 | 1 | Do the first thing. | MUST |
| R-1-2 | 1 | Publish a record. | MUST (publisher) |
| R-1-3 | 1 | Do the third thing. | SHOULD |
| R-1-4 | 1 | An example flow. | EX |
EOT
mkdir -p "$work/scn"
sed 's/^clauses: .*/clauses: [R-1-1]/' "$top/scenarios/discovery/enforce-baseline.yaml" \
    >"$work/scn/a.yaml"
"$harness" coverage --requirements "$req" "$work/scn" >"$work/c1" 2>&1
check "coverage: an uncovered sender requirement: exit 1" [ $? -eq 1 ]
check "coverage: ... named in the summary" \
    grep -q '^coverage: 4 requirements, 2 sender requirements, 1 covered by 1 scenarios, 1 not: R-1-3$' "$work/c1"
check "coverage: the covered one lists its scenario" grep -q '^| R-1-1 | 1 | MUST | enforce-baseline |$' "$work/c1"
check "coverage: a publisher requirement is not a sender one" \
    grep -q '^| R-1-2 | 1 | MUST (publisher) | (not a sender requirement) |$' "$work/c1"
check "coverage: an informative one neither" grep -q '^| R-1-4 .*(not a sender requirement)' "$work/c1"
sed -e 's/^clauses: .*/clauses: [R-1-3]/' -e 's/^id: .*/id: b-third/' \
    "$top/scenarios/discovery/enforce-baseline.yaml" >"$work/scn/b.yaml"
"$harness" coverage --requirements "$req" "$work/scn" >"$work/c2" 2>&1
check "coverage: every sender requirement covered: exit 0" [ $? -eq 0 ]
sed -e 's/^clauses: .*/clauses: [R-9-9]/' -e 's/^id: .*/id: c-unknown/' \
    "$top/scenarios/discovery/enforce-baseline.yaml" >"$work/scn/c.yaml"
"$harness" coverage --requirements "$req" "$work/scn" >"$work/c3" 2>&1
check "coverage: a cited id the table lacks: exit 1, named" \
    [ $? -eq 1 ] && grep -q '^c-unknown: cites R-9-9, which the requirements do not define$' "$work/c3"
printf '| R-1-1 | 1 | no strength cell\n' >"$work/bad.md"
"$harness" coverage --requirements "$work/bad.md" "$work/scn" >/dev/null 2>"$work/c4"
check "coverage: a malformed row: exit 2 with file:line" \
    [ $? -eq 2 ] && grep -q 'bad.md:1: a requirement row needs 4 cells' "$work/c4"
"$harness" coverage --requirements "$work/none.md" >/dev/null 2>&1
check "coverage: a missing requirements file: exit 2" [ $? -eq 2 ]
# the real catalogue: docs/coverage.md is what the command prints now
"$harness" coverage >"$work/real" 2>&1
sed -n '/^| id | section/,$p' "$top/docs/coverage.md" >"$work/doc"
check "docs/coverage.md is current (make coverage)" cmp -s "$work/real" "$work/doc"
cmp -s "$work/real" "$work/doc" || diff "$work/doc" "$work/real" | head -20
check "every id cited by the catalogue is in docs/requirements.md" \
    absent 'which the requirements do not define' "$work/real"
# show
"$harness" show policy-unknown-key >"$work/show" 2>&1
check "show: exit 0" [ $? -eq 0 ]
check "show: a clause with its section and text" \
    grep -q '^    R-3.2-5 (RFC 8461 §3.2, MUST / SHALL): A parser must accept' "$work/show"
check "show: the attacked world's stripped host" \
    grep -q '^  host mx1: starttls strip, cert valid (the attacker.s)$' "$work/show"
check "show: the policy body with its line ends" \
    grep -q '^  policy body (.* bytes, CRLF line ends):$' "$work/show"
check "show: the steps" grep -q '^  2. attacked world, expect none, MUST$' "$work/show"
"$harness" show no-such-scenario >/dev/null 2>"$work/show2"
check "show: an unknown id: exit 2, named" [ $? -eq 2 ] && grep -q 'no scenario "no-such-scenario"' "$work/show2"
finish
