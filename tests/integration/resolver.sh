# The run's caching resolver (docs/resolver.md): a dnsmasq in front of
# fake-dns by default. Its cache is in the path (a second query is answered
# from it), it is flushed when a step changes DNS (an MX redirect after the
# MX was cached reaches the SUT), a dead dnsmasq makes its step ERROR and
# is started again, --resolver direct gives the same verdicts, and with a
# signed zone in the run only that zone's answers carry AD.
. "$(dirname "$0")/lib.sh"
redirect="$top/scenarios/attacks/enforce-mx-redirect.yaml"
base="$top/scenarios/discovery/enforce-baseline.yaml"

# 1. one lane, one scenario: nothing else flushes between its steps
run -j1 --seed 7 --json "$work/r.json" "$redirect" >"$work/r" 2>&1
check "redirect: PASS through dnsmasq" [ "$(verdict "$work/r" enforce-mx-redirect)" = PASS ]
python3 - "$work/r.json" >"$work/facts" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))["scenarios"][0]
def mx(step, kind, dom):
    return any(l.startswith(kind) and ("name=%s " % dom) in l and
               ("type=MX" in l or "event=cached" in l) for l in step["transcript"])
print("twin-cached", mx(s["twin"][1], "resolver session", s["twin_domain"]))
print("attack-forwarded", mx(s["steps"][1], "dns session", s["domain"]))
print("attack-cached", any(l.startswith("resolver") and "event=cached" in l and
      ("name=%s " % s["domain"]) in l for l in s["steps"][1]["transcript"]))
PY
check "the cache is in the path: the twin's second MX answer came from it" \
    grep -qx 'twin-cached True' "$work/facts"
check "flushed on a DNS change: the redirected MX was asked of fake-dns" \
    grep -qx 'attack-forwarded True' "$work/facts"
check "flushed on a DNS change: no cached MX for the redirected domain" \
    grep -qx 'attack-cached False' "$work/facts"

# 2. a dnsmasq that dies: its step is ERROR, the next one runs again
#    (files run in path order: attacks/ before discovery/)
run -j1 --sut "$adapters/kill-resolver" "$base" "$redirect" >"$work/k" 2>&1
check "dead dnsmasq: the step it died in is ERROR, saying so" \
    sh -c "[ '$(verdict "$work/k" enforce-mx-redirect)' = ERROR ] && \
    grep -q 'observation incomplete: the resolver (dnsmasq) was killed by signal 9' '$work/k'"
check "dead dnsmasq: started again, the next scenario PASSes" \
    [ "$(verdict "$work/k" enforce-baseline)" = PASS ]

# 3. --resolver direct: fake-dns in resolv.conf, the same verdicts
# (the attacks, the cache and the discovery folders; the sanitized build
# its sample)
set_d="$top/scenarios/attacks $top/scenarios/cache $top/scenarios/discovery"
sanitized && set_d=$(sample_set)
# shellcheck disable=SC2086
run --seed 3 $set_d >"$work/d1" 2>&1
# shellcheck disable=SC2086
run --seed 3 --resolver direct $set_d >"$work/d2" 2>&1
v() { awk '/^[A-Z-]+ +[a-z0-9-]+ +[A-Z]+ +leak=/ { print $2, $1, $4 }' "$1" | sort; }
v "$work/d1" >"$work/v1"
v "$work/d2" >"$work/v2"
check "dnsmasq and direct give the same verdicts for all $(wc -l <"$work/v1") scenarios" \
    sh -c "[ -s '$work/v1' ] && cmp -s '$work/v1' '$work/v2'"
"$harness" run --resolver bind9 "$base" >/dev/null 2>&1
check "--resolver bind9 is a usage error" [ $? -eq 2 ]

# 4. DNSSEC (docs/resolver.md): AD for the signed zone's answers, cached
#    or not, whatever the client asked first; never for an unsigned zone's,
#    even asked after the other lane's signed zone was validated (dnsmasq
#    2.90, validating, marked those secure in its cache: "ad: 1 1 0")
dane="$top/scenarios/dane"
run -j2 --json "$work/ad.json" --sut "$adapters/ad-probe" \
    "$dane/dane-tlsa-insecure.yaml" "$dane/dane-tlsa-mismatch.yaml" \
    >"$work/ad" 2>&1
python3 - "$work/ad.json" >"$work/adbits" <<'PY'
import json, sys
for s in json.load(open(sys.argv[1]))["scenarios"]:
    for st in s["steps"] + (s.get("twin") or []):
        print(s["id"], st.get("detail"))
PY
check "DNSSEC: no AD on the unsigned zone's MX, A and TLSA answers" \
    grep -qx 'dane-tlsa-insecure ad: 0 0 0' "$work/adbits"
check "DNSSEC: AD on the signed zone's MX, A and TLSA answers (both worlds)" \
    [ "$(grep -cx 'dane-tlsa-mismatch ad: 1 1 1' "$work/adbits")" -eq 2 ]
[ "$nfail" -eq 0 ] || cat "$work/adbits"
[ "$nfail" -eq 0 ] || cat "$work/r" "$work/k" "$work/facts"
finish
