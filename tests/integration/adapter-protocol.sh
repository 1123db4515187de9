# Adapter protocol version 2 (docs/adapter-protocol.md), as a new user's
# adapter meets it: daemons that start leaves behind live until stop; the
# environment is scrubbed and points every trust variable at the run's CA;
# the working directory is STS_STATE_DIR, usable by a daemon that drops
# privileges; a SUT cannot stop the run from inside; SIGHUP from outside
# does.
. "$(dirname "$0")/lib.sh"
strip="$top/scenarios/attacks/enforce-starttls-stripped.yaml"
base="$top/scenarios/discovery/enforce-baseline.yaml"
export STS_TEST_OUT="$work/out.d"
mkdir -p "$STS_TEST_OUT"

# 1. a foreground daemon started by start, without setsid
run --sut "$adapters/fg-daemon" "$base" "$strip" >"$work/fg" 2>&1
rc=$?
check "fg-daemon: exit 0 (got $rc)" [ "$rc" -eq 0 ]
check "fg-daemon: both scenarios PASS (the daemon outlived start)" \
    [ "$(verdict "$work/fg" enforce-baseline)" = PASS -a \
      "$(verdict "$work/fg" enforce-starttls-stripped)" = PASS ]
check "fg-daemon: gone after the run although stop left it" \
    [ -s "$STS_TEST_OUT/daemon.pid" -a -z "$(leftovers)" ]
[ "$nfail" -eq 0 ] || cat "$work/fg"

# 2. the adapter's environment and working directory
FOO=leak BAR=kept NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt \
    SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt STS_HARNESS_BUILD=/x \
    STS_EXTRA=passed run --sut "$adapters/env-dump" --pass-env BAR "$base" \
    >"$work/env" 2>&1
e="$STS_TEST_OUT/env.deliver"
val() { sed -n "s/^$1=//p" "$e"; }
check "env: the scenario PASSes" [ "$(verdict "$work/env" enforce-baseline)" = PASS ]
check "env: a caller variable does not get through (FOO)" absent '^FOO=' "$e"
check "env: --pass-env BAR does" [ "$(val BAR)" = kept ]
check "env: STS_HARNESS_BUILD is gone" absent '^STS_HARNESS_' "$e"
check "env: NODE_EXTRA_CA_CERTS is removed" absent '^NODE_EXTRA_CA_CERTS=' "$e"
check "env: the caller's STS_* variables pass (STS_EXTRA)" [ "$(val STS_EXTRA)" = passed ]
ca=$(val STS_CA_FILE)
check "env: SSL_CERT_FILE, CURL_CA_BUNDLE, REQUESTS_CA_BUNDLE are the run's CA" \
    [ -n "$ca" -a "$(val SSL_CERT_FILE)" = "$ca" -a "$(val CURL_CA_BUNDLE)" = "$ca" \
      -a "$(val REQUESTS_CA_BUNDLE)" = "$ca" ]
check "env: SSL_CERT_DIR holds the run's CA under its hash, and only it" \
    [ "$(grep -c '^[0-9a-f]\{8\}\.0$' "$STS_TEST_OUT/certdir")" -eq 1 -a \
      "$(wc -l <"$STS_TEST_OUT/certdir")" -eq 1 ]
check "env: STS_PROTOCOL_VERSION=2" [ "$(val STS_PROTOCOL_VERSION)" = 2 ]
check "env: TMPDIR is the run's own, writable" \
    sh -c "[ '$(val TMPDIR)' != '$TMPDIR' ] && [ -s '$STS_TEST_OUT/tmpdir' ]"
check "env: nothing else (PATH HOME LANG TMPDIR, STS_*, trust, BAR)" \
    [ -z "$(sed 's/=.*//' "$e" | grep -Ev '^(PATH|HOME|LANG|TMPDIR|STS_[A-Z_]+|SSL_CERT_FILE|SSL_CERT_DIR|CURL_CA_BUNDLE|REQUESTS_CA_BUNDLE|BAR|PWD|SHLVL|_|OLDPWD)$')" ]
check "cwd: verbs run in STS_STATE_DIR" [ "$(cat "$STS_TEST_OUT/cwd")" = "$(val STS_STATE_DIR)" ]
check "state dir: a daemon running as another user can use it and read the CA" \
    [ -s "$STS_TEST_OUT/nobody" ]
check "state dir: such a daemon can read the message file" [ -s "$STS_TEST_OUT/nobody-msg" ]

# 3. signals from inside the namespace do not stop the run
run --sut "$adapters/signal-one" "$base" >"$work/sig" 2>&1
rc=$?
check "kill 1 from inside: the run goes on and PASSes (exit $rc)" \
    [ "$rc" -eq 0 -a "$(verdict "$work/sig" enforce-baseline)" = PASS ]
check "kill 1 from inside: the harness says it ignored them" \
    grep -q 'ignored signal 15 from pid' "$work/sig"

# 4. SIGHUP from outside stops the run (exit 128 + 1)
rm -f "$STS_TEST_OUT/deliver.pid"
"$harness" run --quiet-period 1 --sut "$adapters/slow" --json "$work/hup.json" \
    "$base" >"$work/hup" 2>&1 &
hpid=$!
i=0
while [ ! -s "$STS_TEST_OUT/deliver.pid" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
kill -HUP "$hpid"
wait "$hpid"
rc=$?
check "SIGHUP: the run stops with exit 129 (got $rc)" [ "$rc" -eq 129 ]
check "SIGHUP: the results say interrupted" grep -q '"interrupted": true' "$work/hup.json"
sleep 0.2
check "SIGHUP: no process left" [ -z "$(leftovers)" ]

# 5. relay: set before the deliver of a step with relay:, undone ("relay -")
# before the next step without one, also in the next scenario on the lane
rm -f "$STS_TEST_OUT/verbs"
d="$top/scenarios/domains"
run --sut "$adapters/verb-log" -j1 "$d/smarthost-policy-domain.yaml" \
    "$d/smarthost-recipient-policy.yaml" "$d/subdomain-no-parent-policy.yaml" \
    >"$work/relay" 2>&1
v="$STS_TEST_OUT/verbs"
check "relay: smarthost-policy-domain PASS, smarthost-recipient-policy INFO, subdomain-no-parent-policy PASS" \
    [ "$(verdict "$work/relay" smarthost-policy-domain)" = PASS -a \
      "$(verdict "$work/relay" smarthost-recipient-policy)" = INFO -a \
      "$(verdict "$work/relay" subdomain-no-parent-policy)" = PASS ]
check "relay: the 6 deliveries of steps with relay: had a smart host" \
    [ "$(grep -c '^deliver .* relay=[a-z0-9]' "$v")" -eq 6 ]
check "relay: the 4 of steps without it had none" \
    [ "$(grep -c '^deliver .* relay=-$' "$v")" -eq 4 ]
check "relay: relay: b named b.<domain>" grep -q '^relay b\.[a-z0-9]*\.test$' "$v"
check "relay: undone with relay - (got $(grep -c '^relay -$' "$v"))" \
    [ "$(grep -c '^relay -$' "$v")" -ge 2 ]
[ "$nfail" -eq 0 ] || cat "$work/relay" "$v"
finish
