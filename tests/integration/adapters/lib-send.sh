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
