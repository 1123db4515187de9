# Nothing is left behind after a run, a failed run or Ctrl-C: no process, no
# network namespace, no temp dir, no key file.
. "$(dirname "$0")/lib.sh"
adapters="$top/tests/integration/adapters"
one="$top/scenarios/attacks/enforce-starttls-stripped.yaml"

# 1. a SUT that cannot start: ERROR verdicts, exit 1, nothing left
"$harness" run --sut "$adapters/broken-start" "$one" >"$work/out1" 2>&1
rc=$?
check "failed start: exit 1 (got $rc)" [ "$rc" -eq 1 ]
check "failed start: the scenario is ERROR, not PASS" \
    [ "$(verdict "$work/out1" enforce-starttls-stripped)" = ERROR ]
check "failed start: TMPDIR is empty afterwards" [ -z "$(ls -A "$TMPDIR")" ]
check "failed start: no process left" [ -z "$(leftovers)" ]

# 2. a lying SUT: claims are not verdicts
"$harness" run --sut "$adapters/liar" "$one" \
    "$top/scenarios/discovery/enforce-baseline.yaml" >"$work/out2" 2>&1
check "liar: an attack with a silent twin is ERROR" \
    [ "$(verdict "$work/out2" enforce-starttls-stripped)" = ERROR ]
check "liar: a delivery that never happened is FAIL" \
    [ "$(verdict "$work/out2" enforce-baseline)" = FAIL ]

# 3. Ctrl-C while the SUT hangs in deliver, with a daemon it left running
"$harness" run --sut "$adapters/slow" --json "$work/int.json" "$one" \
    "$top/scenarios/discovery/enforce-baseline.yaml" >"$work/out3" 2>&1 &
hpid=$!
i=0
while [ ! -f "$TMPDIR"/sts-harness.*/state/deliver.pid ] && [ $i -lt 100 ]; do
	sleep 0.1; i=$((i + 1))
done
check "slow SUT: deliver started" [ -f "$TMPDIR"/sts-harness.*/state/deliver.pid ]
check "slow SUT: the CA key exists while running, mode 0600" \
    [ "$(stat -c %a "$TMPDIR"/sts-harness.*/pki/ca.key 2>/dev/null)" = 600 ]
nets=""
for p in $(leftovers); do
	n=$(readlink "$p/ns/net" 2>/dev/null) && nets="$nets $n"
done
mine=$(readlink /proc/self/ns/net)
check "slow SUT: runs in a network namespace of its own" \
    sh -c "echo '$nets' | tr ' ' '\n' | grep -v '^$' | grep -vqx '$mine'"
kill -INT "$hpid"
wait "$hpid"
rc=$?
check "Ctrl-C: exit 130 (got $rc)" [ "$rc" -eq 130 ]
check "Ctrl-C: the results JSON says interrupted" \
    grep -q '"interrupted": true' "$work/int.json"
check "Ctrl-C: no scenario that never ran counts as PASS" \
    grep -q '"PASS": 0' "$work/int.json"
check "Ctrl-C: both scenarios are ERROR" grep -q '"ERROR": 2' "$work/int.json"
sleep 0.2
check "Ctrl-C: no process left (daemon and hung deliver killed)" [ -z "$(leftovers)" ]
left=""
for n in $nets; do
	[ "$n" = "$mine" ] && continue
	for l in /proc/[0-9]*/ns/net; do
		[ "$(readlink "$l" 2>/dev/null)" = "$n" ] && left="$left $l"
	done
done
check "Ctrl-C: the run's network namespace is gone" [ -z "$left" ]
check "Ctrl-C: TMPDIR is empty (temp dir and CA key removed)" [ -z "$(ls -A "$TMPDIR")" ]
finish
