# tests/integration/lib.sh -- shared by the integration tests (POSIX sh).
# Each test prints "ok - ...", "not ok - ..." or "skip - ..." lines.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD="$top/$BUILD" ;; esac
harness="$BUILD/sts-harness"
adapters="$top/tests/integration/adapters"
# the hostile test adapters run the sts-send of the build under test
export STS_TEST_SEND="$BUILD/sts-send"
nfail=0
work=$(mktemp -d "${TMPDIR:-/tmp}/sts-it.XXXXXX") || exit 1
# nothing a run makes may land in TMPDIR: give it one to check
export TMPDIR="$work/tmp"
mkdir -p "$TMPDIR"
# every process a run starts carries this (the harness passes STS_*)
export STS_TEST_TAG="$work"
trap 'rm -rf "$work"' EXIT INT TERM

ok() { echo "ok - $*"; }
notok() { echo "not ok - $*"; nfail=$((nfail + 1)); }
check() {	# check DESCRIPTION COMMAND...
	d=$1; shift
	if "$@"; then ok "$d"; else notok "$d"; fi
}
finish() { [ "$nfail" -eq 0 ]; exit $?; }

# verdict OUT ID -> the verdict of ID's last console line (a verdict that a
# late delivery changed is printed again, marked "(final)")
verdict() { awk -v id="$2" '$2 == id { v = $1 } END { print v }' "$1"; }
# leak OUT ID -> the leak of ID's last console line
leak() { awk -v id="$2" '$2 == id { l = $4 } END { sub("leak=", "", l); print l }' "$1"; }
# reason OUT ID -> the reason line under ID's last console line
reason() { awk -v id="$2" 'p { r = $0; p = 0 } $2 == id { p = 1; r = "" } END { print r }' "$1"; }
# attacks_expecting WHAT -> ids of graded (not INFO) attack scenarios whose
# attacked step expects WHAT
attacks_expecting() { "$harness" list | awk -v w="$1" '$3 == w && $2 != "INFO" { print $1 }'; }
# graded_attacks -> ids of every attack scenario that is not graded INFO
graded_attacks() { "$harness" list | awk '$3 != "-" && $2 != "INFO" { print $1 }'; }
# sanitized -> true in the sanitized build. It is there for the harness's
# memory safety and runs about 3x slower, so the checks that go over the
# whole catalogue take a part of it there (the plain build takes all):
# sample_set prints the folders of that part
sanitized() { case $BUILD in *asan*) return 0 ;; esac; return 1; }
sample_set() { echo "$top/scenarios/attacks $top/scenarios/domains"; }
# in_run OUT -> the ids OUT has a verdict line for
in_run() { awk '/^[A-Z-]+ +[a-z0-9-]+ +[A-Z]+ +leak=/ { print $2 }' "$1"; }
# run ARGS... -> the harness with a short quiet period
run() { "$harness" run --quiet-period 1 "$@"; }
# leftovers -> processes of this test's runs (their environment has the tag;
# the harness itself is found by its own environment, which has it too)
leftovers() {
	for e in /proc/[0-9]*/environ; do
		[ "${e%/environ}" = "/proc/$$" ] && continue
		grep -qs "STS_TEST_TAG=$work" "$e" 2>/dev/null || continue
		grep -qs 'sts-harness\|adapter\|sts-send\|sleep' "${e%/environ}/cmdline" &&
		    echo "${e%/environ}"
	done
	return 0
}
# absent PATTERN FILE -> no line of FILE matches
absent() { ! grep -q "$1" "$2"; }
