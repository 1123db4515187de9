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

good="$work/bad/a-good.yaml"
# --sut naming a directory, and an unwritable --json: exit 2 before any run
"$harness" run --sut "$top/suts/reference" "$good" >"$work/o5" 2>"$work/e5"
rc=$?
check "--sut DIR: exit 2 before anything runs (got $rc)" \
    [ "$rc" -eq 2 -a ! -s "$work/o5" ]
check "--sut DIR: the message names it" grep -q 'no executable adapter file' "$work/e5"
"$harness" run --json "$work/no-such-dir/r.json" "$good" >"$work/o6" 2>"$work/e6"
rc=$?
check "unwritable --json: exit 2 before anything runs (got $rc)" \
    [ "$rc" -eq 2 -a ! -s "$work/o6" ]
check "unwritable --json: the message names the path" grep -q 'no-such-dir/r.json' "$work/e6"
"$harness" run --seed -1 "$good" >/dev/null 2>&1
check "--seed -1 is a usage error" [ $? -eq 2 ]
"$harness" run --quiet-period 0 "$good" >/dev/null 2>&1
check "--quiet-period 0 is a usage error" [ $? -eq 2 ]
for w in 0 0.000 1.2345 .5 5. 1.x 3601 "" -1; do
	"$harness" run --policy-wait "$w" "$good" >"$work/o9" 2>"$work/e9"
	rc=$?
	check "--policy-wait \"$w\": usage error (exit 2, got $rc) naming the option" \
	    sh -c "[ $rc -eq 2 ] && [ ! -s '$work/o9' ] && grep -q -- --policy-wait '$work/e9'"
done
"$harness" run --pass-env 'A=B' "$good" >/dev/null 2>&1
check "--pass-env A=B is a usage error" [ $? -eq 2 ]
for r in 0 101 -1 x 1.5 ""; do
	"$harness" run --repeat "$r" "$good" >"$work/o8" 2>"$work/e8"
	rc=$?
	check "--repeat \"$r\": usage error (exit 2, got $rc) before anything runs" \
	    [ "$rc" -eq 2 -a ! -s "$work/o8" ]
	check "--repeat \"$r\": the message names the bounds" \
	    grep -q "^sts-harness: --repeat: \"$r\" is not 1..100 repetitions$" "$work/e8"
done
"$harness" adapter-check --repeat 2 >/dev/null 2>"$work/e9"
check "adapter-check --repeat 2 is a usage error" [ $? -eq 2 ]

# a FIFO named *.yaml must not hang lint or run
mkdir -p "$work/fifo" && mkfifo "$work/fifo/pipe.yaml"
timeout 10 "$harness" lint "$work/fifo" >/dev/null 2>"$work/e7"
rc=$?
check "FIFO: lint exits 2 at once (got $rc)" [ "$rc" -eq 2 ]
check "FIFO: reported with its location" grep -q 'pipe.yaml:1:1: not a regular file' "$work/e7"
timeout 10 "$harness" run "$work/fifo/pipe.yaml" >/dev/null 2>&1
check "FIFO: run exits 2 at once" [ $? -eq 2 ]

# a file over 1 MiB: file:line:col
mkdir -p "$work/big"
{ head -n 5 "$good"; i=0; while [ $i -lt 20000 ]; do
	printf '# padding line %05d ........................................\n' $i
	i=$((i + 1)); done; } >"$work/big/huge.yaml"
"$harness" lint "$work/big/huge.yaml" >/dev/null 2>"$work/e8"
check "over 1 MiB: exit 2 with file:line:col" \
    grep -Eq 'huge.yaml:[0-9]+:[0-9]+: file larger than 1048576 bytes' "$work/e8"

# file names are shown escaped: no forged line, no terminal escape
nl='
'
mkdir -p "$work/names"
printf 'id: [\n' >"$work/names/x${nl}PASS       forged$(printf '\033')[2J.yaml"
"$harness" lint "$work/names" >/dev/null 2>"$work/e9"
check "a file name with a newline and ESC is one escaped line" \
    sh -c "[ \$(wc -l <'$work/e9') -eq 1 ] && grep -q 'x\\\\x0aPASS' '$work/e9' && \
    ! grep -q \"\$(printf '\\033')\" '$work/e9'"

# lint checks templates with the longest domain the runner gives
# a 235-byte owner: 249 bytes with example.test, 257 with the runner's domain
l63=$(printf 'a%.0s' $(seq 1 63))
l43=$(printf 'b%.0s' $(seq 1 43))
cat >"$work/long.yaml" <<YAML
id: long-name
title: "x"
clauses: [R-4-1]
strength: MUST
world:
  records:
    - "@ 300 MX 10 mx1"
    - "mx1 300 A {mx1}"
    - "mta-sts 300 A {mta-sts}"
    - "_mta-sts 1 TXT \"v=STSv1; id=1\""
    - "$l63.$l63.$l63.$l43 300 TXT \"x\""
expect: tls
YAML
"$harness" lint "$work/long.yaml" >/dev/null 2>"$work/e10"
check "lint: a name that fits only a short domain is refused" \
    grep -q 'longer than 255 bytes' "$work/e10"

# a one-step "expect: none" with no attack: no twin could prove delivery
cat >"$work/none.yaml" <<'YAML'
id: twinless-none
title: "x"
clauses: [R-4-1]
strength: MUST
expect: none
YAML
"$harness" run "$work/none.yaml" >/dev/null 2>"$work/e11"
rc=$?
check "twinless expect none: exit 2 (got $rc), located" \
    sh -c "[ $rc -eq 2 ] && grep -q 'none.yaml:5:9: step 1: expects none' '$work/e11'"

# the run's clock moves must fit the certificates' validity windows
cat >"$work/clock.yaml" <<'YAML'
id: clock-budget
title: "x"
clauses: [R-4-1]
strength: MUST
attack:
  hosts:
    mx1: { starttls: strip }
steps:
  - { expect: tls, clock: 63158400 }
  - { attack: true, expect: none, clock: 63158400 }
YAML
"$harness" run "$work/clock.yaml" >"$work/o13" 2>"$work/e13"
rc=$?
check "clock moves past 5 years in one run: exit 2 before it starts (got $rc)" \
    sh -c "[ $rc -eq 2 ] && [ ! -s '$work/o13' ] && grep -q 'clock moves' '$work/e13'"

# scenario ids ending in -twin no longer collide with another's twin
mkdir -p "$work/twin"
for id in dup dup-twin; do
	sed "s/^id: .*/id: $id/" "$top/scenarios/attacks/enforce-starttls-stripped.yaml" \
	    >"$work/twin/$id.yaml"
done
run "$work/twin" >"$work/o12" 2>&1
rc=$?
check "ids dup and dup-twin both PASS (exit $rc)" \
    [ "$rc" -eq 0 -a "$(verdict "$work/o12" dup)" = PASS -a \
      "$(verdict "$work/o12" dup-twin)" = PASS ]
finish
