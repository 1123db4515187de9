# tests/integration/adapters/lib-send.sh -- sourced by the hostile test
# adapters: sts-send of the build under test, whose path the test script
# passes in STS_TEST_SEND (an STS_* variable, so the harness passes it).
send() { "$STS_TEST_SEND" "$@"; }
# outcome_of OUTPUT -> the "outcome" value of an sts-send JSON line
outcome_of() { printf '%s\n' "$1" | sed -n 's/.*"outcome":"\([a-z]*\)".*/\1/p' | tail -n 1; }
standard_verbs() {
	case $1 in
	info) echo '{"name":"'"$(basename "$0")"'","version":"0"}'; exit 0 ;;
	start|stop|restart) exit 0 ;;
	clock) exit 89 ;;
	deliver) ;;
	*) exit 89 ;;
	esac
}
# plain_smtp IP RCPT FILE -- FILE to RCPT at IP:25 in plaintext, no
# STARTTLS whatever the server offers (perl: core modules only)
plain_smtp() {
	perl -MIO::Socket::INET -e '
	my ($ip, $rcpt, $file) = @ARGV;
	my $s = IO::Socket::INET->new(PeerAddr => $ip, PeerPort => 25,
	    Timeout => 5) or exit 1;
	sub reply { my $l; do { $l = <$s>; return "" unless defined $l }
	    while ($l =~ /^\d{3}-/); return $l }
	sub say { print $s "$_[0]\r\n"; reply() }
	reply();
	say("EHLO cheat.example"); say("MAIL FROM:<c\@cheat.example>");
	say("RCPT TO:<$rcpt>"); say("DATA");
	open(my $f, "<", $file) or exit 1;
	while (<$f>) { s/\r?\n$//; s/^\./../; print $s "$_\r\n" }
	say("."); say("QUIT");' "$1" "$2" "$3" >/dev/null 2>&1
}
