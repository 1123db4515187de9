# The standalone programs are the same fake servers: fake-dns and fake-mx
# started by hand on ephemeral loopback ports serve the reference sender, and
# print the same event records the harness judges from.
. "$(dirname "$0")/lib.sh"
pids=""
cleanup_bg() { for p in $pids; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; }
trap 'cleanup_bg; rm -rf "$work"' EXIT INT TERM

# port_of FILE WORD -> the number after "port" in FILE, waiting up to 20 s
# (fake-mx makes its PKI first: slow under ASan on a loaded machine)
port_of() {
	i=0
	while [ $i -lt 200 ]; do
		p=$(sed -n 's/.* port \([0-9][0-9]*\).*/\1/p' "$1" | head -n 1)
		[ -n "$p" ] && { echo "$p"; return 0; }
		sleep 0.1; i=$((i + 1))
	done
	return 1
}

cat >"$work/s.zone" <<'ZONE'
$ORIGIN standalone.test.
@	300	MX	10 mx1
mx1	300	A	127.0.0.1
;@fault gone.standalone.test. nxdomain
ZONE
"$BUILD/fake-dns" -l 127.0.0.1 -p 0 "$work/s.zone" >"$work/dns.out" 2>"$work/dns.err" &
pids="$pids $!"
"$BUILD/fake-mx" -l 127.0.0.1 -p 0 --host mx1.standalone.test \
    --starttls strip --pki "$work/pki" >"$work/mx.out" 2>"$work/mx.err" &
pids="$pids $!"
dport=$(port_of "$work/dns.err") && mport=$(port_of "$work/mx.err")
check "fake-dns and fake-mx report their ports (dns $dport, smtp $mport)" \
    [ -n "$dport" -a -n "$mport" ]

printf 'Subject: hi\r\n%s: tok123\r\n\r\nhello\r\n' X-STS-Harness-Token >"$work/msg"
"$BUILD/sts-send" --rcpt user@standalone.test --msg "$work/msg" \
    --resolver 127.0.0.1 --dns-port "$dport" --smtp-port "$mport" \
    --state "$work/state" --timeout 10 >"$work/send.out" 2>"$work/send.err"
check "sts-send: no STS record, so plaintext delivery to a stripped MX" \
    grep -q '"outcome":"delivered"' "$work/send.out"
check "fake-dns logged the TXT and MX queries" \
    grep -q 'event=query proto=udp .*name=_mta-sts.standalone.test type=TXT rcode=NXDOMAIN' "$work/dns.out"
check "fake-dns logged the MX answer" \
    grep -q 'name=standalone.test type=MX rcode=NOERROR answers=1' "$work/dns.out"
check "fake-mx (strip) logged a plaintext EHLO and no STARTTLS" \
    sh -c "grep -q 'event=ehlo .*tls=no' '$work/mx.out' && ! grep -q 'event=starttls' '$work/mx.out'"
check "fake-mx logged the plaintext DATA with the token" \
    grep -q 'event=data .*result=complete tls=no .*token=tok123' "$work/mx.out"
"$BUILD/fake-dns" -l 127.0.0.1 -p 0 /nonexistent.zone >/dev/null 2>"$work/bad.err"
rc=$?
grep -q nonexistent.zone "$work/bad.err"
check "fake-dns: a missing zone file exits 2 with its name (exit $rc)" \
    [ "$rc" -eq 2 -a $? -eq 0 ]
"$BUILD/fake-mx" --starttls sometimes >/dev/null 2>&1
check "fake-mx: bad arguments exit 2" [ $? -eq 2 ]
"$BUILD/fake-mx" -l 127.0.0.1 --host mx1.standalone.test --fail "rcpt 45" \
    >/dev/null 2>"$work/fail.err"
rc=$?
check "fake-mx: a bad --fail exits 2, saying why (exit $rc)" \
    sh -c "[ $rc -eq 2 ] && grep -q 'bad --fail \"rcpt 45\": the code must be 400..599' '$work/fail.err'"
"$BUILD/fake-mx" -l 127.0.0.1 --host mx1.standalone.test --tls 1.1 \
    >/dev/null 2>&1
check "fake-mx: a bad --tls exits 2" [ $? -eq 2 ]

# gone PID -> 0 once PID has exited (reaped), within 5 s; else kill -9, 1
gone() {
	i=0
	while kill -0 "$1" 2>/dev/null && [ $i -lt 50 ]; do
		sleep 0.1; i=$((i + 1))
	done
	kill -0 "$1" 2>/dev/null || return 0
	kill -KILL "$1" 2>/dev/null
	return 1
}

# Every signal whose default action would kill fake-mx makes it clean up
# and exit instead: the PKI dir it made (--pki, or its own under TMPDIR)
# is removed, and no private key was ever on disk. (check() owns $d.)
for sig in HUP USR1 USR2 QUIT TERM default-HUP; do
	case $sig in
	default-*) s=${sig#default-}; pd=""; set -- ;;
	*) s=$sig; pd="$work/pki-$sig"; set -- --pki "$pd" ;;
	esac
	"$BUILD/fake-mx" -l 127.0.0.1 -p 0 --host mx1.standalone.test "$@" \
	    >/dev/null 2>"$work/sig.err" &
	spid=$!
	port_of "$work/sig.err" >/dev/null
	[ -n "$pd" ] || pd=$(sed -n 's/.*(trust this): \(.*\)\/ca\.pem$/\1/p' "$work/sig.err")
	check "fake-mx ($sig): while it runs, its PKI dir holds the two CA certificates alone" \
	    [ -n "$pd" -a "$(ls -A "$pd" 2>/dev/null | tr '\n' ' ')" = "ca.pem unknown-ca.pem " ]
	kill -"$s" "$spid"
	if gone "$spid"; then
		wait "$spid"
		rc=$?
		check "fake-mx ($sig): SIG$s makes it exit 0 (status $rc)" [ "$rc" -eq 0 ]
	else
		wait "$spid" 2>/dev/null
		notok "fake-mx ($sig): still running 5 s after SIG$s"
	fi
	check "fake-mx ($sig): the PKI dir it made is gone ($pd)" [ ! -e "$pd" ]
	check "fake-mx ($sig): no key file was left anywhere" \
	    sh -c "! find '$work' -name '*.key' | grep -q ."
done
finish
