# tests/integration/lib.sh -- shared by the integration tests (POSIX sh).
# Each test prints "ok - ...", "not ok - ..." or "skip - ..." lines.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD="$top/$BUILD" ;; esac
harness="$BUILD/sts-harness"
nfail=0
work=$(mktemp -d "${TMPDIR:-/tmp}/sts-it.XXXXXX") || exit 1
# runs inside get their own TMPDIR so that leftovers are visible
export TMPDIR="$work/tmp"
mkdir -p "$TMPDIR"
trap 'rm -rf "$work"' EXIT INT TERM

ok() { echo "ok - $*"; }
notok() { echo "not ok - $*"; nfail=$((nfail + 1)); }
check() {	# check DESCRIPTION COMMAND...
	d=$1; shift
	if "$@"; then ok "$d"; else notok "$d"; fi
}
finish() { [ "$nfail" -eq 0 ]; exit $?; }

# verdict OUT ID -> the verdict column of ID's progress line
verdict() { awk -v id="$2" '$2 == id { print $1; exit }' "$1"; }
# leak OUT ID -> the leak of ID's progress line
leak() { awk -v id="$2" '$2 == id { sub("leak=", "", $4); print $4; exit }' "$1"; }
# attacks_expecting WHAT -> ids of attack scenarios whose attacked step expects WHAT
attacks_expecting() { "$harness" list | awk -v w="$1" '$3 == w { print $1 }'; }
# leftovers -> processes whose environment names this test's TMPDIR
leftovers() {
	for e in /proc/[0-9]*/environ; do
		grep -qs "$TMPDIR" "$e" 2>/dev/null && echo "${e%/environ}"
	done
	return 0
}
