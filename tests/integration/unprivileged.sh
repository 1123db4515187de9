# The harness itself needs no privilege: as an ordinary user it makes its
# namespaces inside a user namespace (where the kernel allows that).
. "$(dirname "$0")/lib.sh"
one="$top/scenarios/attacks/enforce-starttls-stripped.yaml"
user=65534
if [ "$(id -u)" -ne 0 ] || ! command -v setpriv >/dev/null 2>&1; then
	echo "skip - unprivileged run: needs root to switch to uid $user, and setpriv"
	finish
fi
as_user() { setpriv --reuid=$user --regid=$user --clear-groups "$@"; }
if ! as_user test -x "$harness" -a -r "$one"; then
	echo "skip - unprivileged run: uid $user cannot read $top"
	finish
fi
utmp=$(mktemp -d /tmp/sts-it-user.XXXXXX) || exit 1
trap 'rm -rf "$work" "$utmp"' EXIT INT TERM
chown "$user:$user" "$utmp"
TMPDIR="$utmp" as_user "$harness" run "$one" >"$work/out" 2>&1
rc=$?
if [ "$rc" -ne 0 ] && grep -q 'unshare' "$work/out"; then
	echo "skip - unprivileged run: the kernel refuses user namespaces here"
	finish
fi
check "unprivileged run exits 0 (got $rc)" [ "$rc" -eq 0 ]
check "unprivileged run: the attack PASSes" \
    [ "$(verdict "$work/out" enforce-starttls-stripped)" = PASS ]
check "unprivileged run leaves nothing in its TMPDIR" [ -z "$(ls -A "$utmp")" ]
[ "$nfail" -eq 0 ] || cat "$work/out"
finish
