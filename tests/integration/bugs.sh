# Each deliberate bug of the reference sender is caught by at least one
# scenario (a verdict that does not meet the expectation), and the run exits
# 1; at least one of those that catch it is in its entry of mutants.map (the
# scenarios written to catch it), and every mutant has an entry.
. "$(dirname "$0")/lib.sh"
bugs=$("$BUILD/sts-send" --list-bugs 2>/dev/null | awk '{ print $1 }')
check "sts-send --list-bugs names the mutants" [ -n "$bugs" ]
# the map: which scenarios must catch each mutant (mutants.map)
map="$(dirname "$0")/mutants.map"
mapped() { awk -v b="$1" '$1 == b ":" { for (i = 2; i <= NF; i++) print $i }' "$map"; }
# what a mutant runs: the scenarios of its map. A mutant none of them
# catches fails below, whatever the rest of the catalogue would say, so
# running the whole catalogue per mutant (190+ scenarios, 50+ mutants)
# would only cost time. The sanitized build (the harness's memory safety)
# runs the first two of each map.
targets() {
	n=0
	for id in $(mapped "$1"); do
		sanitized && [ "$n" -ge 2 ] && break
		find "$top/scenarios" -name "$id.yaml"
		n=$((n + 1))
	done
}
# two runs at a time (each in namespaces of its own): the machine has 2
# cores. A pool, not pairs: a mutant that waits out a timeout (30 s) runs
# beside the others instead of holding up its partner's successor. A run
# writes rc.BUG as it ends, so started - rc files = runs still going.
n=0
for bug in $bugs; do
	while [ $((n - $(find "$work" -name 'rc.*' | wc -l))) -ge 2 ]; do
		sleep 0.1
	done
	# shellcheck disable=SC2046
	( STS_BUG=$bug run --policy-wait 3 $(targets "$bug") >"$work/out.$bug" 2>"$work/err.$bug"; echo $? >"$work/tmp-rc.$bug"; mv "$work/tmp-rc.$bug" "$work/rc.$bug" ) &
	n=$((n + 1))
done
wait
for bug in $("$BUILD/sts-send" --list-bugs 2>/dev/null | awk '{ print $1 }'); do
	check "mutants.map has an entry for --bug $bug" [ -n "$(mapped "$bug")" ]
done
awk '/^[a-z0-9-]+:/ { sub(":", "", $1); print $1 }' "$map" | while read -r b; do
	echo "$bugs" | grep -qx "$b" || echo "not ok - mutants.map names $b, which sts-send does not have"
done
for bug in $bugs; do
	out="$work/out.$bug"
	rc=$(cat "$work/rc.$bug")
	caught=$(awk '$1 == "FAIL" || $1 == "NON-STRICT" { print $2 }' "$out" | tr '\n' ' ')
	check "--bug $bug is caught (exit $rc; by: ${caught:-nothing})" \
	    [ "$rc" -eq 1 -a -n "$caught" ]
	inmap=""
	for id in $caught; do
		mapped "$bug" | grep -qx "$id" && inmap="$inmap $id"
	done
	check "--bug $bug is caught by a scenario of its map ($(mapped "$bug" | tr '\n' ' '); by:${inmap:- none})" \
	    [ -n "$inmap" ]
	# an ERROR may only mean the mutant kept a clean twin from delivering
	errors=$(awk '$1 == "ERROR" { id = $2; getline; if ($0 !~ /clean twin/) print id }' \
	    "$out" | tr '\n' ' ')
	check "--bug $bug: no ERROR other than a failed clean twin (${errors:-none})" \
	    [ -z "$errors" ]
done
# Every graded attack scenario must be failable: the naive sender or some
# mutant has to be caught by it, or it proves nothing. (INFO first-contact
# variants record behaviour; nothing fails them.) The naive sender runs
# only the graded attacks no mutant above was caught by. The plain build
# checks this; the sanitized one, which ran only part of each map, does not.
if ! sanitized; then
	cat "$work"/out.* | awk '$1 == "FAIL" || $1 == "NON-STRICT" { print $2 }' |
	    sort -u >"$work/caught.mutants"
	rest=$(graded_attacks | while read -r id; do
		grep -qx "$id" "$work/caught.mutants" ||
		    find "$top/scenarios" -name "$id.yaml"
	done)
	# shellcheck disable=SC2086
	[ -z "$rest" ] || run --sut naive --timeout 1 --policy-wait 0.2 $rest >"$work/out.naive" 2>/dev/null
	cat "$work"/out.* | awk '$1 == "FAIL" || $1 == "NON-STRICT" { print $2 }' |
	    sort -u >"$work/caught"
	for id in $(graded_attacks); do
		check "attack $id is failed by the naive sender or a mutant" \
		    grep -qx "$id" "$work/caught"
	done
fi
finish
