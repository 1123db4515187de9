# sts-harness adapter-check: the shipped adapters pass it; each defect of
# the hostile adapter check-hostile (and system-trust) is one PROBLEM, told
# in plain words, and makes it exit 1.
. "$(dirname "$0")/lib.sh"
# every shipped adapter (the real MTAs need root: Postfix's master does)
# (the sanitized build checks the harness; the real SUTs are not rebuilt
# with it, so they are checked once, with the plain build)
suts="reference naive"
case $BUILD in
*asan*) echo "skip - adapter-check of postfix-sts, postfix-naive, mx-connect: plain build only" ;;
*)	if [ "$(id -u)" = 0 ]; then
		suts="$suts postfix-sts postfix-naive mx-connect"
	else
		echo "skip - adapter-check of postfix-sts, postfix-naive, mx-connect: not root"
	fi ;;
esac
for sut in $suts; do
	"$harness" adapter-check --sut "$sut" >"$work/$sut" 2>&1
	rc=$?
	check "adapter-check --sut $sut: exit 0 (got $rc)" [ "$rc" -eq 0 ]
	check "adapter-check --sut $sut: 0 problems" grep -q '^adapter-check: 0 problems' "$work/$sut"
	[ "$rc" -eq 0 ] || cat "$work/$sut"
done
check "reference: its daemon was seen alive at every deliver" \
    grep -q '^ok *daemons: [0-9]* sts-send, left by start, alive' "$work/reference"
check "naive: it never fetches a policy, a note and no problem" \
    grep -q '^note *policy: the SUT never fetched' "$work/naive"
check "naive: it accepts any certificate, a note" grep -q '^note *trust:' "$work/naive"
# hostile: mode, then the words its one PROBLEM line must hold
while read -r mode words; do
	STS_TEST_CHECK=$mode "$harness" adapter-check --sut "$adapters/check-hostile" \
	    >"$work/h.$mode" 2>&1
	rc=$?
	n=$(grep -c '^PROBLEM' "$work/h.$mode")
	check "check-hostile $mode: exit 1 (got $rc), one problem (got $n)" \
	    [ "$rc" -eq 1 ] && [ "$n" -eq 1 ]
	check "check-hostile $mode: the problem says \"$words\"" \
	    grep -q "^PROBLEM .*$words" "$work/h.$mode"
	[ "$rc" -eq 1 ] && [ "$n" -eq 1 ] || cat "$work/h.$mode"
done <<'EOT'
bypass without passing the run's resolver
no-89 must exit 89 for a verb it does not know
bad-info stdout is not a JSON object
dies left running by start, was gone before the deliver
leftover stop: left [0-9]* sleep running
fail-start start: 1 of 1 calls failed.*cannot start
EOT
# an adapter that prints no outcome line: every scenario is ERROR, each a
# problem that names the cause
STS_TEST_CHECK=no-outcome "$harness" adapter-check --sut "$adapters/check-hostile" \
    >"$work/h.no-outcome" 2>&1
check "check-hostile no-outcome: exit 1" [ $? -eq 1 ]
check "check-hostile no-outcome: the deliver problem quotes what it printed" \
    grep -q '^PROBLEM deliver: [0-9]* of [0-9]* calls printed no valid outcome line (deliver printed no outcome JSON; first stdout: "sent it, I think")' "$work/h.no-outcome"
check "check-hostile no-outcome: the baseline is a problem too, not a note" \
    grep -q '^PROBLEM baseline: ERROR .*deliver printed no outcome JSON' "$work/h.no-outcome"
STS_TEST_CHECK= "$harness" adapter-check --sut "$adapters/check-hostile" >"$work/h.none" 2>&1
check "check-hostile without a defect: exit 0" [ $? -eq 0 ]
check "check-hostile: clock and restart exit 89, notes" \
    [ "$(grep -c '^note *\(clock\|restart\): exit 89' "$work/h.none")" -eq 2 ]
"$harness" adapter-check --sut "$adapters/system-trust" >"$work/sys" 2>&1
check "system-trust: exit 1, the trust problem named" \
    [ $? -eq 1 ] && grep -q '^PROBLEM trust: .*system trust store' "$work/sys"
# hostile output is shown escaped
"$harness" adapter-check --sut "$adapters/stderr-forge" >"$work/forge" 2>&1
check "stderr-forge: no terminal escape reaches the console" \
    absent "$(printf '\033')" "$work/forge"
"$harness" adapter-check --sut "$adapters/check-hostile" scenarios >"$work/args" 2>&1
check "adapter-check with scenario files: usage error, exit 2" [ $? -eq 2 ]
check "adapter-check: no process left" [ -z "$(leftovers)" ]
finish
