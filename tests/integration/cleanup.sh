# Nothing is left behind after a run, a failed run, Ctrl-C or kill -9: no
# process, no network namespace, no file (the run's files live in a tmpfs
# on /dev/shm of its private mount namespace), and the CA key is never
# written at all.
. "$(dirname "$0")/lib.sh"
one="$top/scenarios/attacks/enforce-starttls-stripped.yaml"
base="$top/scenarios/discovery/enforce-baseline.yaml"
export STS_TEST_OUT="$work/out.d"
mkdir -p "$STS_TEST_OUT"

# nets -> network namespaces of this test's leftover processes
nets() {
	for p in $(leftovers); do readlink "$p/ns/net" 2>/dev/null; done | sort -u
}
# net_alive NS -> some process still holds that network namespace
net_alive() {
	for l in /proc/[0-9]*/ns/net; do
		[ "$(readlink "$l" 2>/dev/null)" = "$1" ] && return 0
	done
	return 1
}
# wait_file F -> wait up to 10 s for F
wait_file() {
	i=0
	while [ ! -s "$1" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	[ -s "$1" ]
}
mine=$(readlink /proc/self/ns/net)

# 1. a SUT that cannot start: ERROR verdicts, exit 1, nothing left
run --sut "$adapters/broken-start" "$one" >"$work/out1" 2>&1
rc=$?
check "failed start: exit 1 (got $rc)" [ "$rc" -eq 1 ]
check "failed start: the scenario is ERROR, not PASS" \
    [ "$(verdict "$work/out1" enforce-starttls-stripped)" = ERROR ]
check "failed start: TMPDIR is empty afterwards" [ -z "$(ls -A "$TMPDIR")" ]
check "failed start: no process left" [ -z "$(leftovers)" ]

# 2. a lying SUT: claims are not verdicts
run --sut "$adapters/liar" --timeout 1 "$one" "$base" >"$work/out2" 2>&1
check "liar: an attack whose twin saw nothing is ERROR" \
    [ "$(verdict "$work/out2" enforce-starttls-stripped)" = ERROR ]
check "liar: a delivery that never happened is ERROR (nothing observed)" \
    [ "$(verdict "$work/out2" enforce-baseline)" = ERROR ]
check "liar: the claim is flagged as a misreport" \
    grep -q '^ERROR .*enforce-baseline .* misreport$' "$work/out2"

# 3. Ctrl-C while the SUT hangs in deliver, with a daemon it left running
"$harness" run --quiet-period 1 --sut "$adapters/slow" --json "$work/int.json" \
    "$one" "$base" >"$work/out3" 2>&1 &
hpid=$!
wait_file "$STS_TEST_OUT/deliver.pid"
check "slow SUT: deliver started" [ -s "$STS_TEST_OUT/deliver.pid" ]
# a process inside (its pid there is not ours) sees the run's tmpfs
inside=$(leftovers | head -n 1)
run_dir=$inside/root/dev/shm/sts-harness
check "slow SUT: inside, the run's files are there (the CA certificate)" \
    [ -f "$run_dir/pki/ca.pem" ]
check "slow SUT: no private key file exists anywhere in the run's files" \
    [ -z "$(find "$run_dir" -name '*.key' 2>/dev/null)" ] 
check "slow SUT: outside the namespace, nothing of the run is visible" \
    sh -c "[ -z \"\$(ls -A '$TMPDIR')\" ] && [ ! -e /dev/shm/sts-harness ]"
check "slow SUT: the daemon start left (no setsid) is still alive" \
    kill -0 "$(cat "$STS_TEST_OUT/daemon.pid")"
ns=$(nets)
check "slow SUT: runs in a network namespace of its own" \
    sh -c "[ -n '$ns' ] && ! echo '$ns' | grep -qx '$mine'"
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
for n in $ns; do [ "$n" != "$mine" ] && net_alive "$n" && left="$left $n"; done
check "Ctrl-C: the run's network namespace is gone" [ -z "$left" ]
check "Ctrl-C: TMPDIR is empty" [ -z "$(ls -A "$TMPDIR")" ]

# 4. kill -9 of the harness, then of the namespace's PID 1
for who in harness pid1; do
	rm -f "$STS_TEST_OUT"/*.pid
	"$harness" run --quiet-period 1 --sut "$adapters/slow" "$one" \
	    >"$work/out4" 2>&1 &
	hpid=$!
	wait_file "$STS_TEST_OUT/deliver.pid"
	ns=$(nets)
	if [ $who = harness ]; then
		victim=$hpid
	else
		victim=$(pgrep -P "$hpid" | head -n 1)
	fi
	check "kill -9 $who: the run is going (victim ${victim:-none})" \
	    [ -s "$STS_TEST_OUT/deliver.pid" -a -n "$victim" ]
	kill -KILL "$victim"
	wait "$hpid" 2>/dev/null
	i=0
	while [ -n "$(leftovers)" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	check "kill -9 $who: no process left" [ -z "$(leftovers)" ]
	left=""
	for n in $ns; do [ "$n" != "$mine" ] && net_alive "$n" && left="$left $n"; done
	check "kill -9 $who: the run's network namespace is gone" [ -z "$left" ]
	check "kill -9 $who: nothing left in TMPDIR or /dev/shm" \
	    sh -c "[ -z \"\$(ls -A '$TMPDIR')\" ] && [ ! -e /dev/shm/sts-harness ]"
done
finish
