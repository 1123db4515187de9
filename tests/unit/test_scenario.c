/* SPDX-License-Identifier: ISC */
/*
 * test_scenario.c -- the scenario loader: a table of YAML texts that must
 * load or fail with a given "file:line:col: message", checks of the
 * resolved worlds (W0, overlay, attacker flags, rendered body, steps),
 * scenario_expand, file loading (and the catalogue's walk over files a
 * hostile name or a FIFO could spoil), and every shipped scenario file.
 */
#include <sys/stat.h>

#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../common/file.h"
#include "../../common/pki.h"
#include "../../common/str.h"
#include "../../fake-dns/dns_zone.h"
#include "../../fake-mx/mx_config.h"
#include "../../harness/catalog.h"
#include "../../harness/scenario.h"
#include "../../harness/scn_field.h"

#define T_NAME		"t.yaml"
#define T_HEAD		"id: t\ntitle: T\nclauses: [R-4-1]\nstrength: MUST\n"
#define T_DEEP		10000
/* a host label of 223 characters: fits a name, not after "_25._tcp." */
#define T_LABEL_223	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.bbbb" \
			"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.cccccccc" \
			"ccccccccccccccccccccccccccccccccccccccccccccccc.dddddddddddd" \
			"ddddddddddddddddddddddddddddddddddddddddddd"
#define T_FILES_MAX	256
#define T_ALARM		10	/* seconds; a blocking open would hang */
#define T_EVIL		"ev\nil\x1b[2J"	/* forges a console line */
#define T_EVIL_SHOWN	"ev\\x0ail\\x1b[2J"	/* as str_escape shows it */
#define T_X8		"x1234567"
#define T_X64		T_X8 T_X8 T_X8 T_X8 T_X8 T_X8 T_X8 T_X8
/* DNS labels of 59, 51 and 40 bytes, and relative names built of them */
#define T_L59		T_X8 T_X8 T_X8 T_X8 T_X8 T_X8 T_X8 "abc"
#define T_L51		T_X8 T_X8 T_X8 T_X8 T_X8 T_X8 "abc"
#define T_L40		T_X8 T_X8 T_X8 T_X8 T_X8
/* + "." + a 21-char domain: 263 bytes on the wire (254 with 12 chars) */
#define T_N239		T_L59 "." T_L59 "." T_L59 "." T_L59
/* the longest that fits: 231 + 1 + 21 + 2 = 255 on the wire */
#define T_N231		T_L59 "." T_L59 "." T_L59 "." T_L51
#define T_N220		T_L59 "." T_L59 "." T_L59 "." T_L40
/* the first step must not expect none without an attack: */
#define T_NONE_MSG	"step 1: expects none, but the scenario has no " \
			"attack (so no clean twin) and no earlier step " \
			"expects delivery; a sender that never delivers " \
			"would pass"
#define T_LONG_HINT	"(with a 21-character domain, as long as the " \
			"runner's)"
#define T_MX1_10	"{mx1} {mx1} {mx1} {mx1} {mx1} {mx1} {mx1} {mx1} " \
			"{mx1} {mx1} "

struct load_case {
	const char	*label;
	const char	*yaml;
	bool		 want_ok;
	const char	*want_err;	/* substring, incl. "t.yaml:L:C:" */
};

static const struct load_case load_cases[] = {
	/* positive */
	{ "minimal", T_HEAD "expect: tls\n", true, NULL },
	{ "explicit document", "---\n" T_HEAD "expect: tls\n...\n", true,
	    NULL },
	{ "flow top level", "{id: t, title: T, clauses: [R-4-1], strength: "
	    "MUST, expect: any}", true, NULL },
	{ "id of 48 chars", "id: a" T_X8 T_X8 T_X8 T_X8 T_X8 "1234567\ntitle: "
	    "T\nclauses: [R-4-1]\nstrength: MUST\nexpect: tls\n", true, NULL },
	{ "eight clauses", "id: t\ntitle: T\nclauses: [R-1, R-2, R-3, R-4, "
	    "R-5, R-6, R-7, TR-4.3-1]\nstrength: INFO\nexpect: any\n", true,
	    NULL },
	{ "quoted numbers", T_HEAD "world:\n  policy: {max_age: \"0\", "
	    "status: '599'}\nexpect: tls\n", true, NULL },
	{ "max_age at the bound", T_HEAD "world:\n  policy: {max_age: "
	    "4294967295}\nexpect: tls\n", true, NULL },
	{ "empty records list", T_HEAD "world:\n  records: []\nexpect: any\n",
	    true, NULL },
	{ "bad policy mode is data", T_HEAD "world:\n  policy: {mode: "
	    "\"ENFORCE \"}\nexpect: any\n", true, NULL },
	{ "raw body", T_HEAD "world:\n  policy:\n    body: \"version: STSv1\\n"
	    "mode: enforce\\nmx: mx1.{domain}\\nmax_age: 1\\n\"\nexpect: tls\n",
	    true, NULL },
	{ "host @", T_HEAD "world:\n  records: [\"@ 300 MX 0 @\", \"@ 300 A "
	    "{@}\"]\n  hosts: {\"@\": {}}\nexpect: {delivery: tls, at: \"@\"}\n",
	    true, NULL },
	{ "faults", T_HEAD "world:\n  faults: {_mta-sts: servfail, \"@\": "
	    "nxdomain, mx1: timeout}\nexpect: any\n", true, NULL },
	{ "fault truncate", T_HEAD "world:\n  faults: {_mta-sts: truncate}\n"
	    "expect: any\n", true, NULL },
	{ "fault none is no fault", T_HEAD "world:\n  faults: {_mta-sts: "
	    "none}\n", false, "t.yaml:6:22: world.faults: bad value \"none\"" },
	{ "steps", T_HEAD "attack: {hosts: {mx1: {starttls: strip}}}\nsteps:\n"
	    "  - expect: tls\n  - {attack: true, expect: {delivery: none}, "
	    "clock: 86401}\n", true, NULL },
	{ "expect at attacker in attacked step", T_HEAD "attack: {hosts: {evil: "
	    "{}}}\nexpect: {delivery: none, at: evil}\n", true, NULL },
	{ "comments and blank lines", "# c\n\n" T_HEAD "# c\nexpect: tls # c\n",
	    true, NULL },

	/* empty, top level, documents */
	{ "empty file", "", false, "t.yaml:1:1: empty document" },
	{ "only a comment", "# nothing here\n", false,
	    "t.yaml:1:1: empty document" },
	{ "only a marker", "---\n", false, "t.yaml:1:1: empty document" },
	{ "top-level sequence", "- a\n- b\n", false,
	    "t.yaml:1:1: top level: expected a mapping, found a sequence" },
	{ "top-level scalar", "hello\n", false,
	    "t.yaml:1:1: top level: expected a mapping, found a scalar" },
	{ "two documents", T_HEAD "expect: tls\n---\n" T_HEAD "expect: tls\n",
	    false, "t.yaml:6:1: more than one YAML document" },
	{ "empty second document", T_HEAD "expect: tls\n---\n", false,
	    "t.yaml:6:1: more than one YAML document" },

	/* YAML syntax */
	{ "unclosed flow sequence", "id: t\nclauses: [R-1, R-2\nstrength: "
	    "MUST\n", false, "t.yaml:3:9: did not find expected ',' or ']'" },
	{ "bad indentation", "id: t\n title: T\n", false,
	    "t.yaml:2:7: mapping values are not allowed in this context" },
	{ "tab indentation", T_HEAD "world:\n\tpolicy: {}\n", false,
	    "t.yaml:6:1: found character that cannot start any token" },
	{ "unterminated quote", T_HEAD "expect: \"tls\n", false,
	    "found unexpected end of stream" },
	{ "non-UTF-8 byte", "id: t\ntitle: \"caf\xe9\"\n", false,
	    "t.yaml:2:13: invalid trailing UTF-8 octet (#22)" },
	{ "bare continuation byte", "id: \x80\n", false,
	    "t.yaml:1:5: invalid leading UTF-8 octet" },
	{ "control character", "id: t\x01\n", false,
	    "t.yaml:1:6: control characters are not allowed" },
	{ "NUL in a scalar", "id: t\ntitle: \"a\\0b\"\n", false,
	    "t.yaml:2:8: scalar contains a NUL character" },
	{ "anchor", T_HEAD "expect: &e tls\n", false,
	    "t.yaml:5:9: YAML anchors are not allowed (&e)" },
	{ "alias", T_HEAD "expect: *e\n", false,
	    "t.yaml:5:9: YAML aliases are not allowed (*e)" },
	{ "alias bomb", "a: &a [\"lol\", \"lol\", \"lol\"]\nb: &b [*a, *a, "
	    "*a]\nc: &c [*b, *b, *b]\nd: [*c, *c, *c]\n", false,
	    "t.yaml:1:4: YAML anchors are not allowed (&a)" },

	/* top-level keys */
	{ "unknown key", T_HEAD "expect: tls\nfoo: 1\n", false,
	    "t.yaml:6:1: top level: unknown key \"foo\" (allowed: id, title, "
	    "clauses, strength, world, attack, expect, steps)" },
	{ "duplicate key", T_HEAD "expect: tls\nid: u\n", false,
	    "t.yaml:6:1: top level: duplicate key \"id\" (first at 1:1)" },
	{ "sequence as key", T_HEAD "? [a]\n: b\n", false,
	    "t.yaml:5:3: top level: a key must be a scalar, found a sequence" },
	{ "missing id", "title: T\nclauses: [R-4-1]\nstrength: MUST\nexpect: "
	    "tls\n", false, "t.yaml:1:1: missing required key \"id\"" },
	{ "missing title", "id: t\nclauses: [R-4-1]\nstrength: MUST\nexpect: "
	    "tls\n", false, "t.yaml:1:1: missing required key \"title\"" },
	{ "missing clauses", "id: t\ntitle: T\nstrength: MUST\nexpect: tls\n",
	    false, "t.yaml:1:1: missing required key \"clauses\"" },
	{ "missing strength", "id: t\ntitle: T\nclauses: [R-4-1]\nexpect: "
	    "tls\n", false, "t.yaml:1:1: missing required key \"strength\"" },
	{ "missing expect and steps", T_HEAD, false,
	    "t.yaml:1:1: missing required key \"expect\" or \"steps\"" },
	{ "both expect and steps", T_HEAD "expect: tls\nsteps: [{expect: "
	    "tls}]\n", false,
	    "t.yaml:6:1: expect and steps are mutually exclusive" },
	{ "both, steps first", T_HEAD "steps: [{expect: tls}]\nexpect: tls\n",
	    false, "t.yaml:6:1: expect and steps are mutually exclusive" },

	/* id */
	{ "id uppercase", "id: Foo\n", false, "t.yaml:1:5: id: bad id \"Foo\"" },
	{ "id double dash", "id: a--b\n", false, "t.yaml:1:5: id: bad id" },
	{ "id trailing dash", "id: ab-\n", false, "t.yaml:1:5: id: bad id" },
	{ "id leading digit", "id: 1ab\n", false, "t.yaml:1:5: id: bad id" },
	{ "id underscore", "id: a_b\n", false, "t.yaml:1:5: id: bad id" },
	{ "id empty", "id: \"\"\n", false, "t.yaml:1:5: id: bad id \"\"" },
	{ "id null", "id:\ntitle: T\n", false, "t.yaml:1:4: id: bad id \"\"" },
	{ "id of 49 chars", "id: a" T_X8 T_X8 T_X8 T_X8 T_X8 T_X8 "\n", false,
	    "t.yaml:1:5: id: bad id" },
	{ "id sequence", "id: [a]\n", false,
	    "t.yaml:1:5: id: expected a scalar, found a sequence" },
	{ "id escaped in message", "id: \"a\\x1b[2J\"\n", false,
	    "t.yaml:1:5: id: bad id \"a\\x1b[2J\"" },

	/* title */
	{ "title empty", "id: t\ntitle: ''\n", false,
	    "t.yaml:2:8: title: must not be empty" },
	{ "title two lines", "id: t\ntitle: \"a\\nb\"\n", false,
	    "t.yaml:2:8: title: must be one line" },
	{ "title of 201 chars", "id: t\ntitle: " T_X64 T_X64 T_X64 "123456789"
	    "\n", false, "t.yaml:2:8: title: longer than 200 bytes" },
	{ "title of 200 chars", "id: t\ntitle: " T_X64 T_X64 T_X64 "12345678"
	    "\nclauses: [R-1]\nstrength: MAY\nexpect: tls\n", true, NULL },
	{ "title mapping", "id: t\ntitle: {a: b}\n", false,
	    "t.yaml:2:8: title: expected a scalar, found a mapping" },

	/* clauses */
	{ "clauses scalar", "id: t\ntitle: T\nclauses: R-4-1\n", false,
	    "t.yaml:3:10: clauses: expected a sequence, found a scalar" },
	{ "clauses empty", "id: t\ntitle: T\nclauses: []\n", false,
	    "t.yaml:3:10: clauses: at least one clause needed" },
	{ "clauses nine", "id: t\ntitle: T\nclauses: [R-1, R-2, R-3, R-4, R-5, "
	    "R-6, R-7, R-8, R-9]\n", false,
	    "t.yaml:3:51: clauses: too many clauses (at most 8)" },
	{ "clause bad prefix", "id: t\ntitle: T\nclauses: [X-1]\n", false,
	    "t.yaml:3:11: clauses: bad clause \"X-1\"" },
	{ "clause no tail", "id: t\ntitle: T\nclauses: [R-]\n", false,
	    "t.yaml:3:11: clauses: bad clause \"R-\"" },
	{ "clause space", "id: t\ntitle: T\nclauses: [\"R-4 1\"]\n", false,
	    "t.yaml:3:11: clauses: bad clause" },
	{ "clause too long", "id: t\ntitle: T\nclauses: [R-12345678901234567"
	    "890123]\n", false, "t.yaml:3:11: clauses: bad clause" },
	{ "clause duplicate", "id: t\ntitle: T\nclauses: [R-1, R-1]\n", false,
	    "t.yaml:3:16: clauses: duplicate clause \"R-1\"" },
	{ "clause nested", "id: t\ntitle: T\nclauses: [[R-1]]\n", false,
	    "t.yaml:3:11: clauses: expected a scalar, found a sequence" },

	/* strength */
	{ "strength lower case", "id: t\ntitle: T\nclauses: [R-1]\nstrength: "
	    "must\n", false, "t.yaml:4:11: strength: bad value \"must\" "
	    "(allowed: MUST, SHOULD, MAY, INFO)" },
	{ "strength sequence", "id: t\ntitle: T\nclauses: [R-1]\nstrength: "
	    "[MUST]\n", false,
	    "t.yaml:4:11: strength: expected a scalar, found a sequence" },

	/* world */
	{ "world sequence", T_HEAD "world: []\nexpect: tls\n", false,
	    "t.yaml:5:8: world: expected a mapping, found a sequence" },
	{ "world null", T_HEAD "world:\nexpect: tls\n", false,
	    "t.yaml:5:7: world: expected a mapping, found a scalar" },
	{ "world unknown key", T_HEAD "world:\n  polcy: {}\nexpect: tls\n",
	    false, "t.yaml:6:3: world: unknown key \"polcy\" (allowed: records, "
	    "faults, policy, hosts, dnssec)" },
	{ "world duplicate key", T_HEAD "world:\n  policy: {}\n  policy: {}\n",
	    false, "t.yaml:7:3: world: duplicate key \"policy\" (first at "
	    "6:3)" },

	/* world.records */
	{ "records scalar", T_HEAD "world:\n  records: \"@ 300 MX 10 mx1\"\n",
	    false, "t.yaml:6:12: world.records: expected a sequence, found a "
	    "scalar" },
	{ "record mapping", T_HEAD "world:\n  records: [{a: b}]\n", false,
	    "t.yaml:6:13: world.records: expected a scalar, found a mapping" },
	{ "record bad rdata", T_HEAD "world:\n  records: [\"mx1 300 A "
	    "999.1.1.1\"]\n", false, "t.yaml:6:13: record \"mx1 300 A "
	    "999.1.1.1\": Syntax error, could not parse the RR's rdata" },
	{ "record bad type", T_HEAD "world:\n  records: [\"mx1 300 IN\"]\n",
	    false, "t.yaml:6:13: record \"mx1 300 IN\": Syntax error, could not "
	    "parse the RR's type" },
	{ "record missing rdata", T_HEAD "world:\n  records: [\"@ 300 MX "
	    "10\"]\n", false, "Syntax error, value expected" },
	{ "record empty", T_HEAD "world:\n  records: [\"\"]\n", false,
	    "t.yaml:6:13: record \"\": must start with an owner name" },
	{ "record leading blank", T_HEAD "world:\n  records: [\" mx1 A "
	    "1.2.3.4\"]\n", false, "must start with an owner name" },
	{ "record directive", T_HEAD "world:\n  records: [\"$ORIGIN x.\"]\n",
	    false, "t.yaml:6:13: record \"$ORIGIN x.\": must start with an "
	    "owner name" },
	{ "record unknown label", T_HEAD "world:\n  records: [\"mx9 300 A "
	    "{mx9}\"]\n", false, "t.yaml:6:13: record \"mx9 300 A {mx9}\": "
	    "unknown placeholder \"{mx9}\"" },
	{ "record unclosed brace", T_HEAD "world:\n  records: [\"mx1 300 A "
	    "{mx1\"]\n", false, "t.yaml:6:13: record \"mx1 300 A {mx1\": "
	    "unclosed placeholder \"{mx1\"" },
	{ "record empty placeholder", T_HEAD "world:\n  records: [\"a 1 A "
	    "{}\"]\n", false, "unknown placeholder \"{}\"" },
	{ "record too long", T_HEAD "world:\n  records: [\"x 1 TXT "
	    T_X64 T_X64 T_X64 T_X64 T_X64 T_X64 T_X64 T_X64 "\"]\n", false,
	    "t.yaml:6:13: world.records: longer than 511 bytes" },
	{ "records 33", T_HEAD "world:\n  records: [\"a 1 A 1.1.1.1\", \"a 1 A "
	    "1.1.1.1\", \"a 1 A 1.1.1.1\", \"a 1 A 1.1.1.1\", \"a 1 A 1.1.1.1\", "
	    "\"a 1 A 1.1.1.1\", \"a 1 A 1.1.1.1\", \"a 1 A 1.1.1.1\", \"a 1 A "
	    "1.1.1.1\", \"a 1 A 1.1.1.1\", \"a 1 A 1.1.1.1\", \"a 1 A 1.1.1.1\", "
	    "\"a 1 A 1.1.1.1\", \"a 1 A 1.1.1.1\", \"a 1 A 1.1.1.1\", \"a 1 A "
	    "1.1.1.1\", \"a 1 A 1.1.1.1\", \"a 1 A 1.1.1.1\", \"a 1 A 1.1.1.1\", "
	    "\"a 1 A 1.1.1.1\", \"a 1 A 1.1.1.1\", \"a 1 A 1.1.1.1\", \"a 1 A "
	    "1.1.1.1\", \"a 1 A 1.1.1.1\", \"a 1 A 1.1.1.1\", \"a 1 A 1.1.1.1\", "
	    "\"a 1 A 1.1.1.1\", \"a 1 A 1.1.1.1\", \"a 1 A 1.1.1.1\", \"a 1 A "
	    "1.1.1.1\", \"a 1 A 1.1.1.1\", \"a 1 A 1.1.1.1\", \"b 1 A "
	    "1.1.1.1\"]\n", false, "world.records: too many records (at most "
	    "32)" },

	/* world.faults */
	{ "faults sequence", T_HEAD "world:\n  faults: [a]\n", false,
	    "t.yaml:6:11: world.faults: expected a mapping, found a sequence" },
	{ "fault bad value", T_HEAD "world:\n  faults: {_mta-sts: drop}\n",
	    false, "t.yaml:6:22: world.faults: bad value \"drop\" (allowed: "
	    "nxdomain, servfail, timeout, truncate)" },
	{ "fault bad name", T_HEAD "world:\n  faults: {\"a b\": timeout}\n",
	    false, "t.yaml:6:12: faults: bad owner name \"a b\"" },
	{ "fault absolute name", T_HEAD "world:\n  faults: {x.example.: "
	    "timeout}\n", false, "t.yaml:6:12: faults: bad owner name" },
	{ "fault placeholder", T_HEAD "world:\n  faults: {\"{mx9}\": "
	    "timeout}\n", false, "t.yaml:6:12: faults: name \"{mx9}\": "
	    "placeholders are not allowed" },
	{ "fault duplicate", T_HEAD "world:\n  faults: {a: timeout, a: "
	    "servfail}\n", false, "t.yaml:6:24: world.faults: duplicate key "
	    "\"a\"" },
	{ "faults nine", T_HEAD "world:\n  faults: {a: timeout, b: timeout, "
	    "c: timeout, d: timeout, e: timeout, f: timeout, g: timeout, h: "
	    "timeout, i: timeout}\n", false, "world.faults: too many faults "
	    "(at most 8)" },

	/* world.policy */
	{ "policy unknown key", T_HEAD "world:\n  policy: {modes: enforce}\n",
	    false, "t.yaml:6:12: world.policy: unknown key \"modes\" (allowed: "
	    "mode, mx, max_age, body, status, content_type, cert, serve, location, sni, tls, pad, trickle_sec, validators)" },
	{ "policy body and mode", T_HEAD "world:\n  policy:\n    mode: "
	    "testing\n    body: x\n", false, "t.yaml:8:5: world.policy: body "
	    "excludes mode, mx and max_age (\"mode\" at 7:5)" },
	{ "policy body and max_age", T_HEAD "world:\n  policy: {body: x, "
	    "max_age: 1}\n", false, "t.yaml:6:12: world.policy: body excludes "
	    "mode, mx and max_age (\"max_age\" at 6:21)" },
	{ "max_age negative", T_HEAD "world:\n  policy: {max_age: -1}\n",
	    false, "t.yaml:6:21: policy.max_age: \"-1\" is not an integer in "
	    "0..4294967295" },
	{ "max_age 2^32", T_HEAD "world:\n  policy: {max_age: 4294967296}\n",
	    false, "t.yaml:6:21: policy.max_age: \"4294967296\" is not an "
	    "integer" },
	{ "max_age exponent", T_HEAD "world:\n  policy: {max_age: 1e5}\n",
	    false, "policy.max_age: \"1e5\" is not an integer" },
	{ "max_age blank", T_HEAD "world:\n  policy: {max_age: \" 1\"}\n",
	    false, "policy.max_age: \" 1\" is not an integer" },
	{ "status 99", T_HEAD "world:\n  policy: {status: 99}\n", false,
	    "t.yaml:6:20: policy.status: \"99\" is not an integer in 100..599" },
	{ "status 600", T_HEAD "world:\n  policy: {status: 600}\n", false,
	    "policy.status: \"600\" is not an integer in 100..599" },
	{ "content type header injection", T_HEAD "world:\n  policy: "
	    "{content_type: \"text/plain\\r\\nX: y\"}\n", false,
	    "t.yaml:6:26: policy.content_type: control characters not "
	    "allowed" },
	{ "content type too long", T_HEAD "world:\n  policy: {content_type: "
	    "text/plainxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxx}\n", false, "policy.content_type: longer than 127 bytes" },
	{ "policy cert", T_HEAD "world:\n  policy: {cert: bogus}\n", false,
	    "t.yaml:6:18: policy.cert: bad value \"bogus\" (allowed: valid, "
	    "wrong-name, expired, not-yet-valid, self-signed, unknown-ca, "
	    "wildcard, cn-only, upper-case, intermediate, missing-intermediate, "
	    "name-constrained, partial-wildcard, wildcard-too-deep, "
	    "parent-name, weak-key, revoked)" },
	{ "policy serve yes", T_HEAD "world:\n  policy: {serve: yes}\n", false,
	    "t.yaml:6:19: policy.serve: bad value \"yes\" (allowed: true, "
	    "false, blackhole, tls-alert, trickle)" },
	{ "policy serve trickle", T_HEAD "world:\n  policy: {serve: trickle, "
	    "trickle_sec: 60, pad: 1073741824}\nexpect: plain\n", true, NULL },
	{ "policy sni", T_HEAD "world:\n  policy: {sni: always}\n", false,
	    "t.yaml:6:17: policy.sni: bad value \"always\" (allowed: any, "
	    "required)" },
	{ "policy tls 1.1", T_HEAD "world:\n  policy: {tls: \"1.1\"}\n", false,
	    "policy.tls: bad value \"1.1\" (allowed: any, 1.2, 1.3, legacy)" },
	{ "policy tls legacy, sni required", T_HEAD "world:\n  policy: {tls: "
	    "legacy, sni: required}\nexpect: plain\n", true, NULL },
	{ "policy pad over 1 GiB", T_HEAD "world:\n  policy: {pad: "
	    "1073741825}\n", false, "t.yaml:6:17: policy.pad: \"1073741825\" "
	    "is not an integer in 0..1073741824" },
	{ "policy pad negative", T_HEAD "world:\n  policy: {pad: -1}\n", false,
	    "t.yaml:6:17: policy.pad: \"-1\" is not an integer" },
	{ "policy validators", T_HEAD "world:\n  policy: {validators: true}\n"
	    "expect: plain\n", true, NULL },
	{ "policy validators yes", T_HEAD "world:\n  policy: {validators: "
	    "yes}\n", false, "t.yaml:6:24: policy.validators: bad value "
	    "\"yes\" (allowed: true, false)" },
	{ "policy validators a sequence", T_HEAD "world:\n  policy: "
	    "{validators: [true]}\n", false, "t.yaml:6:24: policy.validators: "
	    "expected a scalar, found a sequence" },
	{ "policy trickle_sec 0", T_HEAD "world:\n  policy: {trickle_sec: 0}\n",
	    false, "t.yaml:6:25: policy.trickle_sec: \"0\" is not an integer in "
	    "1..60" },
	{ "policy location", T_HEAD "world:\n  policy: {status: 301, location: "
	    "\"https://mta-sts.{domain}/moved\"}\nexpect: plain\n", true, NULL },
	{ "policy location on another name", T_HEAD "world:\n  policy: "
	    "{location: \"https://policy.{domain}/p\"}\nexpect: plain\n", true,
	    NULL },
	{ "policy location over http", T_HEAD "world:\n  policy: {location: "
	    "\"http://mta-sts.{domain}/x\"}\n", false, "t.yaml:6:22: "
	    "policy.location: \"http://mta-sts.{domain}/x\" is not "
	    "https://HOST/PATH" },
	{ "policy location is the policy path", T_HEAD "world:\n  policy: "
	    "{location: \"https://mta-sts.{domain}/.well-known/mta-sts.txt\"}\n",
	    false, "not the policy host's own /.well-known/mta-sts.txt)" },
	{ "policy location: that path on another name", T_HEAD "world:\n"
	    "  policy: {location: \"https://policy.{domain}/.well-known/"
	    "mta-sts.txt\"}\nexpect: plain\n", true, NULL },
	{ "policy location with a port", T_HEAD "world:\n  policy: "
	    "{location: \"https://mta-sts.{domain}:8443/x\"}\n", false,
	    "is not https://HOST/PATH" },
	{ "policy location placeholder", T_HEAD "world:\n  policy: "
	    "{location: \"https://{evil}/x\"}\n", false, "t.yaml:6:22: "
	    "policy.location: unknown placeholder \"{evil}\"" },
	{ "policy location name too long", T_HEAD "world:\n  policy: "
	    "{location: \"https://" T_X64 "." T_X64 "." T_X64 "." T_X64
	    ".{domain}/x\"}\n", false, "is not https://HOST/PATH" },
	{ "policy location a sequence", T_HEAD "world:\n  policy: "
	    "{location: [a]}\n", false, "t.yaml:6:22: policy.location: "
	    "expected a scalar, found a sequence" },
	{ "policy mx scalar", T_HEAD "world:\n  policy: {mx: mx1}\n", false,
	    "t.yaml:6:16: policy.mx: expected a sequence, found a scalar" },
	{ "policy mx nine", T_HEAD "world:\n  policy: {mx: [a, b, c, d, e, f, "
	    "g, h, i]}\n", false, "t.yaml:6:41: policy.mx: too many entries "
	    "(at most 8)" },
	{ "policy mx placeholder", T_HEAD "world:\n  policy: {mx: [\"{mx9}."
	    "example\"]}\n", false, "t.yaml:6:17: policy.mx: unknown "
	    "placeholder \"{mx9}\"" },
	{ "policy mode placeholder", T_HEAD "world:\n  policy: {mode: "
	    "\"{x\"}\n", false, "t.yaml:6:18: policy.mode: unclosed "
	    "placeholder \"{x\"" },
	{ "policy body placeholder", T_HEAD "world:\n  policy:\n    body: |\n"
	    "      mx: {nosuch}\n", false, "t.yaml:7:11: policy.body: unknown "
	    "placeholder \"{nosuch}\"" },
	{ "policy body sequence", T_HEAD "world:\n  policy: {body: [a]}\n",
	    false, "t.yaml:6:18: policy.body: expected a scalar, found a "
	    "sequence" },

	/* world.hosts */
	{ "hosts sequence", T_HEAD "world:\n  hosts: [mx1]\n", false,
	    "t.yaml:6:10: world.hosts: expected a mapping, found a sequence" },
	{ "host label uppercase", T_HEAD "world:\n  hosts: {MX1: {}}\n", false,
	    "t.yaml:6:11: world.hosts: bad host label \"MX1\"" },
	{ "host label dash", T_HEAD "world:\n  hosts: {-a: {}}\n", false,
	    "t.yaml:6:11: world.hosts: bad host label \"-a\"" },
	/* a host of several labels: a.b is a.b.<domain> */
	{ "host of two labels", T_HEAD "world:\n  records: [\"@ 300 MX 10 "
	    "a.b\", \"a.b 300 A {a.b}\", \"mta-sts 300 A {mta-sts}\", "
	    "\"_mta-sts 1 TXT \\\"v=STSv1; id=1\\\"\"]\n  hosts: {a.b: {}}\n"
	    "expect: {delivery: tls, at: a.b}\n", true, NULL },
	{ "host of three labels in an attack", T_HEAD "attack:\n  records: "
	    "[\"@ 300 MX 10 x.y.z\", \"x.y.z 300 A {x.y.z}\"]\n  hosts: "
	    "{x.y.z: {}}\nexpect: {delivery: none, at: x.y.z}\n", true, NULL },
	{ "host of 231 chars", T_HEAD "world:\n  hosts: {mx1: {}, " T_N231
	    ": {}}\nexpect: any\n", true, NULL },
	{ "host below the policy host's name", T_HEAD "world:\n  hosts: "
	    "{mx1: {}, a.mta-sts: {}}\nexpect: any\n", true, NULL },
	{ "host label dotted twice", T_HEAD "world:\n  hosts: {a..b: {}}\n",
	    false, "t.yaml:6:11: world.hosts: bad host label \"a..b\" (want "
	    "\"@\" or labels ^[a-z0-9]([a-z0-9-]*[a-z0-9])?$ of at most 63 "
	    "chars joined by dots, at most 231 chars)" },
	{ "host label leading dot", T_HEAD "world:\n  hosts: {.a: {}}\n",
	    false, "world.hosts: bad host label \".a\"" },
	{ "host label trailing dot", T_HEAD "world:\n  hosts: {a.: {}}\n",
	    false, "world.hosts: bad host label \"a.\"" },
	{ "host label, a label with a dash", T_HEAD "world:\n  hosts: "
	    "{a.-b: {}}\n", false, "world.hosts: bad host label \"a.-b\"" },
	{ "host label, a label upper case", T_HEAD "world:\n  hosts: "
	    "{a.B: {}}\n", false, "world.hosts: bad host label \"a.B\"" },
	{ "host label, an underscore", T_HEAD "world:\n  hosts: "
	    "{_a.b: {}}\n", false, "world.hosts: bad host label \"_a.b\"" },
	{ "host label, a wildcard", T_HEAD "world:\n  hosts: "
	    "{\"*.b\": {}}\n", false, "world.hosts: bad host label \"*.b\"" },
	{ "host label, @ as a label", T_HEAD "world:\n  hosts: "
	    "{\"@.b\": {}}\n", false, "world.hosts: bad host label \"@.b\"" },
	{ "host label, a label of 64", T_HEAD "world:\n  hosts: {a." T_X64
	    ": {}}\n", false, "t.yaml:6:11: world.hosts: bad host label" },
	{ "host label of 239 chars", T_HEAD "world:\n  hosts: {" T_N239
	    ": {}}\n", false, "t.yaml:6:11: world.hosts: bad host label" },
	{ "host label, blank inside", T_HEAD "world:\n  hosts: "
	    "{\"a .b\": {}}\n", false, "world.hosts: bad host label \"a .b\"" },
	{ "record for a two-label host not there", T_HEAD "world:\n  "
	    "records: [\"a.b 300 A {a.b}\"]\nexpect: any\n", false,
	    "t.yaml:6:13: record \"a.b 300 A {a.b}\": unknown placeholder "
	    "\"{a.b}\"" },
	{ "expect at a two-label host not there", T_HEAD "world:\n  hosts: "
	    "{mx1: {}, a.b: {}}\nexpect: {delivery: tls, at: a.c}\n", false,
	    "expect.at: unknown host \"a.c\" in the clean world" },
	{ "host label reserved", T_HEAD "world:\n  hosts: {mta-sts: {}}\n",
	    false, "t.yaml:6:11: world.hosts: label \"mta-sts\" is reserved "
	    "for the policy host" },
	{ "host scalar", T_HEAD "world:\n  hosts: {mx1: offer}\n", false,
	    "t.yaml:6:16: host \"mx1\": expected a mapping, found a scalar" },
	{ "host unknown key", T_HEAD "world:\n  hosts: {mx1: {alpn: h2}}\n",
	    false, "t.yaml:6:17: host \"mx1\": unknown key \"alpn\" (allowed: "
	    "starttls, cert, cert_for, tls, sni, listen, fail, tlsa)" },
	{ "host starttls", T_HEAD "world:\n  hosts: {mx1: {starttls: drop}}\n",
	    false, "t.yaml:6:27: starttls: bad value \"drop\" (allowed: offer, "
	    "strip, refuse, tls-abort, close)" },
	{ "host starttls close", T_HEAD "world:\n  hosts: {mx1: {starttls: "
	    "close}}\nexpect: tls\n", true, NULL },
	{ "host tls 1.2 quoted", T_HEAD "world:\n  hosts: {mx1: {tls: "
	    "\"1.2\"}}\nexpect: tls\n", true, NULL },
	{ "host tls 1.3 plain", T_HEAD "world:\n  hosts: {mx1: {tls: 1.3}}\n"
	    "expect: tls\n", true, NULL },
	{ "host tls legacy", T_HEAD "world:\n  hosts: {mx1: {tls: legacy}}\n"
	    "expect: tls\n", true, NULL },
	{ "host tls 1.1", T_HEAD "world:\n  hosts: {mx1: {tls: \"1.1\"}}\n",
	    false, "t.yaml:6:22: tls: bad value \"1.1\" (allowed: any, 1.2, "
	    "1.3, legacy)" },
	{ "host tls as a number list", T_HEAD "world:\n  hosts: {mx1: {tls: "
	    "[1.2]}}\n", false, "t.yaml:6:22: tls: expected a scalar" },
	{ "host sni required", T_HEAD "world:\n  hosts: {mx1: {sni: "
	    "required}}\nexpect: tls\n", true, NULL },
	{ "host sni yes", T_HEAD "world:\n  hosts: {mx1: {sni: yes}}\n", false,
	    "t.yaml:6:22: sni: bad value \"yes\" (allowed: any, required)" },
	{ "host listen false", T_HEAD "world:\n  hosts: {mx1: {listen: "
	    "false}, mx2: {}}\n  records: [\"@ 300 MX 10 mx1\", \"@ 300 MX 20 "
	    "mx2\", \"mx1 300 A {mx1}\", \"mx2 300 A {mx2}\"]\n"
	    "expect: tls\n", true, NULL },
	{ "host listen no", T_HEAD "world:\n  hosts: {mx1: {listen: no}}\n",
	    false, "t.yaml:6:25: listen:" },
	{ "host fail rcpt 451", T_HEAD "world:\n  hosts: {mx1: {fail: "
	    "\"rcpt 451\"}}\nexpect: none\nattack: {hosts: {mx1: {fail: "
	    "\"mail 550\"}}}\n", true, NULL },
	{ "host fail every verb", T_HEAD "world:\n  hosts: {mx1: {fail: "
	    "\"ehlo-after-tls 421\"}, mx2: {fail: \"data 554\"}, mx3: {fail: "
	    "\"end-of-data 599\"}, mx4: {fail: mail 400}}\nexpect: tls\n", true,
	    NULL },
	{ "host fail code short", T_HEAD "world:\n  hosts: {mx1: {fail: "
	    "\"rcpt 45\"}}\n", false, "t.yaml:6:23: fail: bad value \"rcpt 45\" "
	    "(the code must be 400..599)" },
	{ "host fail code 399", T_HEAD "world:\n  hosts: {mx1: {fail: "
	    "\"rcpt 399\"}}\n", false, "fail: bad value \"rcpt 399\" (the code "
	    "must be 400..599)" },
	{ "host fail code 600", T_HEAD "world:\n  hosts: {mx1: {fail: "
	    "\"rcpt 600\"}}\n", false, "(the code must be 400..599)" },
	{ "host fail code 4511", T_HEAD "world:\n  hosts: {mx1: {fail: "
	    "\"rcpt 4511\"}}\n", false, "(the code must be 400..599)" },
	{ "host fail code signed", T_HEAD "world:\n  hosts: {mx1: {fail: "
	    "\"rcpt +451\"}}\n", false, "(the code must be 400..599)" },
	{ "host fail two spaces", T_HEAD "world:\n  hosts: {mx1: {fail: "
	    "\"rcpt  451\"}}\n", false, "(the code must be 400..599)" },
	{ "host fail trailing blank", T_HEAD "world:\n  hosts: {mx1: {fail: "
	    "\"rcpt 451 \"}}\n", false, "(the code must be 400..599)" },
	{ "host fail no code", T_HEAD "world:\n  hosts: {mx1: {fail: rcpt}}\n",
	    false, "t.yaml:6:23: fail: bad value \"rcpt\" (want \"VERB CODE\")" },
	{ "host fail empty", T_HEAD "world:\n  hosts: {mx1: {fail: \"\"}}\n",
	    false, "fail: bad value \"\" (want \"VERB CODE\")" },
	{ "host fail unknown verb", T_HEAD "world:\n  hosts: {mx1: {fail: "
	    "\"quit 421\"}}\n", false, "fail: bad value \"quit 421\" (unknown "
	    "verb (allowed: ehlo-after-tls, mail, rcpt, data, end-of-data))" },
	{ "host fail verb none", T_HEAD "world:\n  hosts: {mx1: {fail: "
	    "\"none 451\"}}\n", false, "(unknown verb (allowed:" },
	{ "host fail verb case", T_HEAD "world:\n  hosts: {mx1: {fail: "
	    "\"RCPT 451\"}}\n", false, "(unknown verb (allowed:" },
	{ "host fail long verb", T_HEAD "world:\n  hosts: {mx1: {fail: "
	    "\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx 451\"}}\n", false,
	    "(unknown verb (allowed:" },
	{ "host fail mapping", T_HEAD "world:\n  hosts: {mx1: {fail: {rcpt: "
	    "451}}}\n", false, "t.yaml:6:23: fail: expected a scalar" },
	{ "host cert", T_HEAD "world:\n  hosts: {mx1: {cert: ocsp-stapled}}\n",
	    false, "t.yaml:6:23: cert: bad value \"ocsp-stapled\"" },
	{ "host duplicate", T_HEAD "world:\n  hosts: {mx1: {}, mx1: {}}\n",
	    false, "t.yaml:6:20: world.hosts: duplicate key \"mx1\"" },
	{ "hosts nine", T_HEAD "world:\n  hosts: {a: {}, b: {}, c: {}, d: {}, "
	    "e: {}, f: {}, g: {}, h: {}, i: {}}\n", false,
	    "t.yaml:6:67: world.hosts: too many hosts (at most 8)" },
	{ "hosts drop mx1 under W0 records", T_HEAD "world:\n  hosts:\n    "
	    "mx2: {}\nexpect: tls\n", false, "t.yaml:6:3: W0 record \"mx1 300 A "
	    "{mx1}\": unknown placeholder \"{mx1}\"" },

	/* attack */
	{ "attack empty", T_HEAD "attack: {}\nexpect: none\n", false,
	    "t.yaml:5:9: attack: empty overlay" },
	{ "attack scalar", T_HEAD "attack: strip\nexpect: none\n", false,
	    "t.yaml:5:9: attack: expected a mapping, found a scalar" },
	{ "attack unknown key", T_HEAD "attack: {delete: [a]}\n", false,
	    "t.yaml:5:10: attack: unknown key \"delete\" (allowed: records, "
	    "remove, faults, policy, hosts, dnssec)" },
	{ "attack record unknown label", T_HEAD "attack:\n  records: [\"evil "
	    "300 A {evil}\"]\n", false, "t.yaml:6:13: record \"evil 300 A "
	    "{evil}\": unknown placeholder \"{evil}\"" },
	{ "attack record bad", T_HEAD "attack:\n  records: [\"@ 300 MX x "
	    "evil\"]\n", false, "t.yaml:6:13: record \"@ 300 MX x evil\": "
	    "Syntax error" },
	{ "attack remove one token", T_HEAD "attack:\n  remove: [_mta-sts]\n",
	    false, "t.yaml:6:12: attack.remove: \"_mta-sts\": want \"owner "
	    "TYPE\"" },
	{ "attack remove three tokens", T_HEAD "attack:\n  remove: [\"a A "
	    "b\"]\n", false, "attack.remove: \"a A b\": want \"owner TYPE\"" },
	{ "attack remove bad type", T_HEAD "attack:\n  remove: [\"_mta-sts "
	    "TEXT\"]\n", false, "t.yaml:6:12: attack.remove: \"_mta-sts "
	    "TEXT\": unknown RR type \"TEXT\"" },
	{ "attack remove no match", T_HEAD "attack:\n  remove: [\"mx1 "
	    "AAAA\"]\n", false, "t.yaml:6:12: attack.remove: \"mx1 AAAA\" "
	    "matches no record" },
	{ "attack remove twice", T_HEAD "attack:\n  remove: [\"@ MX\", \"@ "
	    "MX\"]\n", false, "t.yaml:6:20: attack.remove: \"@ MX\" matches no "
	    "record" },
	{ "attack hosts overflow", T_HEAD "world:\n  hosts: {mx1: {}, b: {}, c: "
	    "{}, d: {}, e: {}, f: {}, g: {}, h: {}}\nattack:\n  hosts: {evil: "
	    "{}}\n", false, "t.yaml:8:11: attack.hosts: too many hosts in the "
	    "attacked world (at most 8)" },
	{ "attack host reserved", T_HEAD "attack:\n  hosts: {mta-sts: {cert: "
	    "expired}}\n", false, "label \"mta-sts\" is reserved" },
	/* cert_for: another host of the same world, with a valid cert */
	{ "cert_for later host", T_HEAD "world:\n  hosts: {mx1: {cert_for: "
	    "mx2}, mx2: {}}\nexpect: any\n", true, NULL },
	{ "cert_for attacker names genuine", T_HEAD "attack:\n  hosts: {evil: "
	    "{cert_for: mx1}}\n  records: [\"@ 300 MX 10 evil\", \"evil 300 A "
	    "{evil}\"]\nexpect: none\n", true, NULL },
	{ "cert_for unknown", T_HEAD "world:\n  hosts: {mx1: {cert_for: "
	    "mx2}}\nexpect: any\n", false, "t.yaml:6:27: world.hosts: host "
	    "\"mx1\": cert_for: unknown host \"mx2\"" },
	{ "cert_for self", T_HEAD "world:\n  hosts: {mx1: {cert_for: mx1}}\n"
	    "expect: any\n", false, "t.yaml:6:27: world.hosts: host \"mx1\": "
	    "cert_for names the host itself" },
	{ "cert_for policy host", T_HEAD "world:\n  hosts: {mx1: {cert_for: "
	    "mta-sts}}\nexpect: any\n", false, "cert_for: unknown host "
	    "\"mta-sts\"" },
	{ "cert_for not valid", T_HEAD "world:\n  hosts: {mx1: {cert: expired, "
	    "cert_for: mx2}, mx2: {}}\nexpect: any\n", false, "t.yaml:6:42: "
	    "world.hosts: host \"mx1\": cert_for needs cert: valid, not "
	    "expired" },
	{ "cert_for made invalid by the attack", T_HEAD "world:\n  hosts: "
	    "{mx1: {cert_for: mx2}, mx2: {}}\nattack:\n  hosts: {mx1: {cert: "
	    "wildcard}}\nexpect: none\n", false, "t.yaml:8:16: attack.hosts: "
	    "host \"mx1\": cert_for needs cert: valid, not wildcard" },
	{ "cert_for empty", T_HEAD "world:\n  hosts: {mx1: {cert_for: \"\"}}\n"
	    "expect: any\n", false, "cert_for: bad host label \"\"" },
	{ "cert_for sequence", T_HEAD "world:\n  hosts: {mx1: {cert_for: "
	    "[mx2]}}\nexpect: any\n", false, "expected a scalar" },
	/* DANE: a signed zone, TLSA records */
	{ "dnssec and tlsa", T_HEAD "world:\n  dnssec: true\n  hosts: {mx1: "
	    "{tlsa: ee}}\nexpect: tls\n", true, NULL },
	{ "dnssec stripped by the attack", T_HEAD "world:\n  dnssec: true\n"
	    "attack:\n  dnssec: false\nsteps:\n  - {attack: true, expect: "
	    "none}\n", true, NULL },
	{ "dnssec yes", T_HEAD "world:\n  dnssec: yes\nexpect: tls\n", false,
	    "t.yaml:6:11: world.dnssec: bad value \"yes\" (allowed: true, "
	    "false)" },
	{ "dnssec mapping", T_HEAD "world:\n  dnssec: {on: true}\nexpect: "
	    "tls\n", false, "t.yaml:6:11: world.dnssec: expected a scalar" },
	{ "tlsa bad value", T_HEAD "world:\n  hosts: {mx1: {tlsa: 3 1 1}}\n"
	    "expect: tls\n", false, "tlsa: bad value \"3 1 1\" (allowed: "
	    "none, ee, wrong)" },
	{ "tlsa name too long", T_HEAD "world:\n  hosts: {" T_LABEL_223
	    ": {tlsa: ee}}\n", false, "tlsa: the record's name _25._tcp." },
	{ "tlsa attack wrong", T_HEAD "world:\n  hosts: {mx1: {tlsa: ee}}\n"
	    "attack:\n  hosts: {mx1: {tlsa: wrong}}\nsteps:\n  - {attack: "
	    "true, expect: none}\n", true, NULL },
	{ "attack faults overflow", T_HEAD "world:\n  faults: {a: timeout, b: "
	    "timeout, c: timeout, d: timeout, e: timeout, f: timeout, g: "
	    "timeout, h: timeout}\nattack:\n  faults: {i: timeout}\n", false,
	    "t.yaml:8:12: attack.faults: too many faults in the attacked world "
	    "(at most 8)" },
	{ "attack policy body and mx", T_HEAD "attack:\n  policy: {mx: [evil], "
	    "body: x}\n", false, "t.yaml:6:24: attack.policy: body excludes "
	    "mode, mx and max_age (\"mx\" at 6:12)" },

	/* expect and steps */
	{ "expect bad value", T_HEAD "expect: delivered\n", false,
	    "t.yaml:5:9: expect: bad value \"delivered\" (allowed: tls, plain, "
	    "any, none)" },
	{ "expect sequence", T_HEAD "expect: [tls]\n", false,
	    "t.yaml:5:9: expect: expected a mapping, found a sequence" },
	{ "expect missing delivery", T_HEAD "expect: {at: mx1}\n", false,
	    "t.yaml:5:9: expect: missing required key \"delivery\"" },
	{ "expect unknown key", T_HEAD "expect: {delivery: tls, host: mx1}\n",
	    false, "t.yaml:5:25: expect: unknown key \"host\" (allowed: "
	    "delivery, at, sni, policy_fetched, retry, alert)" },
	{ "expect at unknown", T_HEAD "expect: {delivery: tls, at: mx2}\n",
	    false, "t.yaml:5:29: expect.at: unknown host \"mx2\" in the clean "
	    "world" },
	{ "expect at policy host", T_HEAD "expect: {delivery: tls, at: "
	    "mta-sts}\n", false, "expect.at: unknown host \"mta-sts\"" },
	{ "expect sni and policy fetch", T_HEAD "expect: {delivery: tls, "
	    "sni: true, policy_fetched: true}\n", true, NULL },
	{ "expect policy fetch with none", T_HEAD "attack: {hosts: {mx1: "
	    "{starttls: strip}}}\nexpect: {delivery: none, policy_fetched: "
	    "true}\n", true, NULL },
	{ "expect sni without tls", T_HEAD "expect: {delivery: plain, "
	    "sni: true}\n", false, "t.yaml:5:32: expect.sni: needs delivery: "
	    "tls" },
	{ "expect sni not a bool", T_HEAD "expect: {delivery: tls, "
	    "sni: yes}\n", false, "t.yaml:5:30: expect.sni: bad value" },
	{ "expect policy_fetched not a bool", T_HEAD "expect: {delivery: "
	    "tls, policy_fetched: 1}\n", false,
	    "t.yaml:5:41: expect.policy_fetched: bad value \"1\" (allowed: "
	    "true, false)" },
	{ "expect policy_fetched false", T_HEAD "expect: {delivery: tls, "
	    "policy_fetched: false}\n", true, NULL },
	{ "expect policy_fetched no", T_HEAD "expect: {delivery: tls, "
	    "policy_fetched: no}\n", false, "t.yaml:5:41: "
	    "expect.policy_fetched: bad value \"no\"" },
	{ "expect policy_fetched empty", T_HEAD "expect: {delivery: tls, "
	    "policy_fetched: }\n", false, "t.yaml:5:41: "
	    "expect.policy_fetched: bad value \"\"" },
	{ "expect policy_fetched twice", T_HEAD "expect: {delivery: tls, "
	    "policy_fetched: false, policy_fetched: true}\n", false,
	    "t.yaml:5:48: expect: duplicate key \"policy_fetched\"" },
	{ "expect alert true", T_HEAD "expect: {delivery: tls, alert: "
	    "true}\n", true, NULL },
	{ "expect alert false", T_HEAD "expect: {delivery: none, alert: "
	    "false}\nattack: {policy: {status: 500}}\n", true, NULL },
	{ "expect alert not a bool", T_HEAD "expect: {delivery: tls, "
	    "alert: 1}\n", false, "t.yaml:5:32: expect.alert: bad value "
	    "\"1\" (allowed: true, false)" },
	{ "expect alert yes", T_HEAD "expect: {delivery: tls, alert: yes}\n",
	    false, "t.yaml:5:32: expect.alert: bad value \"yes\"" },
	{ "expect alert sequence", T_HEAD "expect: {delivery: tls, alert: "
	    "[true]}\n", false, "t.yaml:5:32: expect.alert: " },
	{ "expect alert twice", T_HEAD "expect: {delivery: tls, alert: "
	    "false, alert: true}\n", false, "t.yaml:5:39: expect: duplicate "
	    "key \"alert\"" },
	{ "expect alert true to b", T_HEAD "world: {records: [\"b 300 MX 10 "
	    "mx1\"]}\nsteps:\n  - {to: b, expect: {delivery: tls, alert: "
	    "true}}\n", false, "expect.alert: true needs to: @" },
	{ "expect alert false to b", T_HEAD "world: {records: [\"b 300 MX 10 "
	    "mx1\"]}\nsteps:\n  - {to: b, expect: {delivery: tls, alert: "
	    "false}}\n", true, NULL },
	{ "expect at attacker in clean step", T_HEAD "attack: {hosts: {evil: "
	    "{}}}\nsteps:\n  - {expect: {delivery: tls, at: evil}}\n  - {attack: "
	    "true, expect: none}\n", false, "t.yaml:7:34: expect.at: unknown "
	    "host \"evil\" in the clean world" },
	{ "steps scalar", T_HEAD "steps: tls\n", false,
	    "t.yaml:5:8: steps: expected a sequence, found a scalar" },
	{ "steps empty", T_HEAD "steps: []\n", false,
	    "t.yaml:5:8: steps: at least one step needed" },
	{ "steps nine", T_HEAD "steps: [{expect: tls}, {expect: tls}, {expect: "
	    "tls}, {expect: tls}, {expect: tls}, {expect: tls}, {expect: tls}, "
	    "{expect: tls}, {expect: tls}]\n", false,
	    "t.yaml:5:129: steps: too many steps (at most 8)" },
	{ "step scalar", T_HEAD "steps: [tls]\n", false,
	    "t.yaml:5:9: step 1: expected a mapping, found a scalar" },
	{ "step missing expect", T_HEAD "steps:\n  - {clock: 5}\n", false,
	    "t.yaml:6:5: step 1: missing required key \"expect\"" },
	{ "step unknown key", T_HEAD "steps:\n  - {expect: tls, deliver: 2}\n",
	    false, "t.yaml:6:19: step 1: unknown key \"deliver\" (allowed: "
	    "expect, attack, clock, strength, wait, restart, to, relay)" },
	{ "step attack without attack", T_HEAD "steps:\n  - {expect: tls}\n"
	    "  - {expect: none, attack: true}\n", false,
	    "t.yaml:7:28: step 2: attack: true but the scenario has no attack" },
	{ "step attack bad bool", T_HEAD "steps:\n  - {expect: tls, attack: "
	    "1}\n", false, "t.yaml:6:27: step.attack: bad value \"1\" (allowed: "
	    "true, false)" },
	{ "attack but no attacked step", T_HEAD "attack: {hosts: {mx1: "
	    "{starttls: strip}}}\nsteps:\n  - {expect: tls}\n  - {expect: tls, "
	    "attack: false}\n", false, "t.yaml:7:3: steps: the scenario has an "
	    "attack but no step has attack: true" },
	{ "step clock negative", T_HEAD "steps:\n  - {expect: tls, clock: "
	    "-5}\n", false, "t.yaml:6:26: step.clock: \"-5\" is not an integer "
	    "in 0..63158400 (at most 731 days)" },
	{ "step clock huge", T_HEAD "steps:\n  - {expect: tls, clock: "
	    "99999999999999999999999}\n", false, "step.clock: "
	    "\"99999999999999999999999\" is not an integer" },

	/* step clock: at most SCN_CLOCK_STEP_MAX (2 years) per step */
	{ "step clock at the bound", T_HEAD "steps:\n  - {expect: tls, clock: "
	    "63158400}\n", true, NULL },
	{ "step clock past the bound", T_HEAD "steps:\n  - {expect: tls, "
	    "clock: 63158401}\n", false, "t.yaml:6:26: step.clock: "
	    "\"63158401\" is not an integer in 0..63158400 (at most 731 "
	    "days)" },
	{ "step clock old bound", T_HEAD "steps:\n  - {expect: tls, clock: "
	    "4294967295}\n", false, "t.yaml:6:26: step.clock: \"4294967295\" "
	    "is not an integer in 0..63158400" },
	{ "step clock sequence", T_HEAD "steps:\n  - {expect: tls, clock: "
	    "[1]}\n", false, "t.yaml:6:26: step.clock: expected a scalar, "
	    "found a sequence" },
	{ "step clock quoted", T_HEAD "steps:\n  - {expect: tls, clock: "
	    "\"86400\"}\n", true, NULL },

	/* step strength and wait */
	{ "step strength and wait", T_HEAD "steps:\n  - {expect: tls, "
	    "strength: SHOULD, wait: policy}\n  - {expect: tls, strength: "
	    "INFO, wait: none}\n", true, NULL },
	{ "step strength lower case", T_HEAD "steps:\n  - {expect: tls, "
	    "strength: should}\n", false, "t.yaml:6:29: step.strength: bad "
	    "value \"should\" (allowed: MUST, SHOULD, MAY, INFO)" },
	{ "step strength empty", T_HEAD "steps:\n  - expect: tls\n    "
	    "strength:\n", false, "t.yaml:7:14: step.strength: bad value \"\" "
	    "(allowed: MUST, SHOULD, MAY, INFO)" },
	{ "step strength sequence", T_HEAD "steps:\n  - {expect: tls, "
	    "strength: [MUST]}\n", false, "t.yaml:6:29: step.strength: "
	    "expected a scalar, found a sequence" },
	{ "step strength control char", T_HEAD "steps:\n  - {expect: tls, "
	    "strength: \"MUST\\e[2J\"}\n", false, "t.yaml:6:29: step.strength: "
	    "bad value \"MUST\\x1b[2J\"" },
	{ "step restart", T_HEAD "steps:\n  - {expect: tls, restart: true}\n"
	    "  - {expect: tls, restart: false}\n", true, NULL },
	{ "step restart yes", T_HEAD "steps:\n  - {expect: tls, restart: "
	    "yes}\n", false, "t.yaml:6:28: step.restart: " },
	{ "step restart number", T_HEAD "steps:\n  - {expect: tls, restart: "
	    "1}\n", false, "t.yaml:6:28: step.restart: " },
	/* expect.retry: an earlier step's withheld message arrives here */
	{ "step retry", T_HEAD "steps:\n  - {expect: tls}\n  - {expect: none}\n"
	    "  - {expect: {delivery: tls, retry: 2}}\n", true, NULL },
	{ "step retry of itself", T_HEAD "steps:\n  - {expect: tls}\n"
	    "  - {expect: {delivery: none, retry: 2}}\n", false,
	    "t.yaml:7:38: step 2: expect.retry: 2 is not an earlier step" },
	{ "step retry of a later step", T_HEAD "steps:\n  - {expect: tls}\n"
	    "  - {expect: {delivery: tls, retry: 3}}\n  - {expect: none}\n",
	    false, "t.yaml:7:37: step 2: expect.retry: 3 is not an earlier "
	    "step" },
	{ "step retry of a step that delivered", T_HEAD "steps:\n  - {expect: "
	    "tls}\n  - {expect: {delivery: tls, retry: 1}}\n", false,
	    "t.yaml:7:37: step 2: expect.retry: step 1 expects tls, not none: "
	    "only a withheld message is retried" },
	{ "step retry twice of one step", T_HEAD "steps:\n  - {expect: tls}\n"
	    "  - {expect: none}\n  - {expect: {delivery: tls, retry: 2}}\n"
	    "  - {expect: {delivery: tls, retry: 2}}\n", false,
	    "t.yaml:9:37: step 4: expect.retry: step 2 is retried by step 3 "
	    "already" },
	{ "step retry 0", T_HEAD "steps:\n  - {expect: tls}\n  - {expect: "
	    "{delivery: tls, retry: 0}}\n", false, "t.yaml:7:37: expect.retry: "
	    "\"0\" is not a step number in 1..8" },
	{ "step retry past the last step number", T_HEAD "steps:\n  - {expect: "
	    "tls}\n  - {expect: {delivery: tls, retry: 9}}\n", false,
	    "t.yaml:7:37: expect.retry: \"9\" is not a step number in 1..8" },
	{ "step retry negative", T_HEAD "steps:\n  - {expect: tls}\n  - {expect: "
	    "{delivery: tls, retry: -1}}\n", false, "t.yaml:7:37: "
	    "expect.retry: \"-1\" is not a step number" },
	{ "step retry huge", T_HEAD "steps:\n  - {expect: tls}\n  - {expect: "
	    "{delivery: tls, retry: 99999999999999999999999}}\n", false,
	    "t.yaml:7:37: expect.retry: \"99999999999999999999999\" is not a "
	    "step number" },
	{ "step retry sequence", T_HEAD "steps:\n  - {expect: tls}\n  - {expect: "
	    "{delivery: tls, retry: [1]}}\n", false, "t.yaml:7:37: "
	    "expect.retry: expected a scalar, found a sequence" },
	{ "step retry control char", T_HEAD "steps:\n  - {expect: tls}\n"
	    "  - {expect: {delivery: tls, retry: \"1\\e[2J\"}}\n", false,
	    "t.yaml:7:37: expect.retry: \"1\\x1b[2J\" is not a step number" },
	{ "expect shorthand retry", T_HEAD "expect: {delivery: tls, retry: 1}\n",
	    false, "t.yaml:5:32: step 1: expect.retry: 1 is not an earlier "
	    "step" },
	/* step to: the recipient domain, a host label below the domain */
	{ "step to", T_HEAD "steps:\n  - {expect: tls, to: \"@\"}\n"
	    "  - {expect: plain, to: b}\n  - {expect: any, to: a.b-c.9}\n",
	    true, NULL },
	{ "step to policy_fetched false", T_HEAD "steps:\n  - {expect: tls}\n"
	    "  - {expect: {delivery: tls, policy_fetched: false}, to: b}\n",
	    true, NULL },
	{ "step to upper case", T_HEAD "steps:\n  - {expect: tls, to: B}\n",
	    false, "t.yaml:6:23: step.to: bad host label \"B\"" },
	{ "step to empty", T_HEAD "steps:\n  - {expect: tls, to: \"\"}\n",
	    false, "t.yaml:6:23: step.to: bad host label \"\"" },
	{ "step to absolute", T_HEAD "steps:\n  - {expect: tls, to: "
	    "other.example.}\n", false, "t.yaml:6:23: step.to: bad host label "
	    "\"other.example.\"" },
	{ "step to another domain's name", T_HEAD "steps:\n  - {expect: tls, "
	    "to: \"b@evil.example\"}\n", false, "t.yaml:6:23: step.to: bad "
	    "host label \"b@evil.example\"" },
	{ "step to empty label", T_HEAD "steps:\n  - {expect: tls, to: a..b}\n",
	    false, "t.yaml:6:23: step.to: bad host label \"a..b\"" },
	{ "step to @ inside", T_HEAD "steps:\n  - {expect: tls, to: a.@}\n",
	    false, "t.yaml:6:23: step.to: bad host label \"a.@\"" },
	{ "step to leading hyphen", T_HEAD "steps:\n  - {expect: tls, to: "
	    "-b}\n", false, "t.yaml:6:23: step.to: bad host label \"-b\"" },
	{ "step to underscore", T_HEAD "steps:\n  - {expect: tls, to: "
	    "_mta-sts}\n", false, "t.yaml:6:23: step.to: bad host label "
	    "\"_mta-sts\"" },
	{ "step to wildcard", T_HEAD "steps:\n  - {expect: tls, to: \"*\"}\n",
	    false, "t.yaml:6:23: step.to: bad host label \"*\"" },
	{ "step to control char", T_HEAD "steps:\n  - {expect: tls, to: "
	    "\"b\\e[2J\"}\n", false, "t.yaml:6:23: step.to: bad host label "
	    "\"b\\x1b[2J\"" },
	{ "step to label of 64", T_HEAD "steps:\n  - {expect: tls, to: "
	    T_X64 "}\n", false, "t.yaml:6:23: step.to: bad host label" },
	{ "step to too long", T_HEAD "steps:\n  - {expect: tls, to: "
	    T_N239 "}\n", false, "t.yaml:6:23: step.to: bad host label" },
	{ "step to longest", T_HEAD "steps:\n  - {expect: tls, to: "
	    T_N231 "}\n", true, NULL },
	{ "step to reserved", T_HEAD "steps:\n  - {expect: tls, to: "
	    "mta-sts}\n", false, "t.yaml:6:23: step.to: label \"mta-sts\" is "
	    "reserved for the policy host" },
	{ "step to sequence", T_HEAD "steps:\n  - {expect: tls, to: [b]}\n",
	    false, "t.yaml:6:23: step.to: expected a scalar, found a sequence" },
	{ "step to and wait policy", T_HEAD "steps:\n  - {expect: tls, to: b, "
	    "wait: policy}\n", false, "t.yaml:6:32: step.wait: policy needs "
	    "to: @ (the policy host serves only mta-sts.<domain>, not "
	    "mta-sts.b.<domain>)" },
	{ "step to and policy_fetched true", T_HEAD "steps:\n  - {to: b, "
	    "expect: {delivery: tls, policy_fetched: true}}\n", false,
	    "t.yaml:6:53: step.expect.policy_fetched: true needs to: @" },
	{ "step to @ and wait policy", T_HEAD "steps:\n  - {expect: tls, to: "
	    "\"@\", wait: policy}\n", true, NULL },
	/* step to: "[mx1]", the address literal of a host of the world */
	{ "step to literal", T_HEAD "steps:\n  - {expect: any, to: "
	    "\"[mx1]\"}\n", true, NULL },
	{ "step to literal, no policy fetch", T_HEAD "steps:\n  - {to: "
	    "\"[mx1]\", expect: {delivery: any, policy_fetched: false}}\n",
	    true, NULL },
	{ "step to literal of a dotted host", T_HEAD "world:\n  hosts:\n"
	    "    mx1: {}\n    mx.b: {}\nsteps:\n  - {expect: any, to: "
	    "\"[mx.b]\"}\n", true, NULL },
	{ "step to literal, unknown host", T_HEAD "steps:\n  - {expect: any, "
	    "to: \"[nosuch]\"}\n", false, "t.yaml:6:23: step.to: unknown host "
	    "\"nosuch\" in the clean world" },
	{ "step to literal, unclosed", T_HEAD "steps:\n  - {expect: any, to: "
	    "\"[mx1\"}\n", false, "t.yaml:6:23: step.to: bad address literal "
	    "\"[mx1\" (want \"[HOST]\", HOST a host of the world, such as "
	    "\"[mx1]\")" },
	{ "step to literal, empty", T_HEAD "steps:\n  - {expect: any, to: "
	    "\"[]\"}\n", false, "t.yaml:6:23: step.to: bad address literal "
	    "\"[]\"" },
	{ "step to literal, lone bracket", T_HEAD "steps:\n  - {expect: any, "
	    "to: \"[\"}\n", false, "t.yaml:6:23: step.to: bad address literal "
	    "\"[\"" },
	{ "step to literal, trailing text", T_HEAD "steps:\n  - {expect: any, "
	    "to: \"[mx1]x\"}\n", false, "t.yaml:6:23: step.to: bad address "
	    "literal \"[mx1]x\"" },
	{ "step to literal, nested", T_HEAD "steps:\n  - {expect: any, to: "
	    "\"[[mx1]]\"}\n", false, "t.yaml:6:23: step.to: bad address "
	    "literal \"[[mx1]]\"" },
	{ "step to literal of @", T_HEAD "steps:\n  - {expect: any, to: "
	    "\"[@]\"}\n", false, "t.yaml:6:23: step.to: bad address literal "
	    "\"[@]\"" },
	{ "step to literal, upper case", T_HEAD "steps:\n  - {expect: any, "
	    "to: \"[MX1]\"}\n", false, "t.yaml:6:23: step.to: bad address "
	    "literal \"[MX1]\"" },
	{ "step to literal, an address", T_HEAD "steps:\n  - {expect: any, "
	    "to: \"[127.0.0.1]\"}\n", false, "t.yaml:6:23: step.to: unknown "
	    "host \"127.0.0.1\" in the clean world" },
	{ "step to literal, IPv6 tag", T_HEAD "steps:\n  - {expect: any, to: "
	    "\"[IPv6:::1]\"}\n", false, "t.yaml:6:23: step.to: bad address "
	    "literal \"[IPv6:::1]\"" },
	{ "step to literal, control char", T_HEAD "steps:\n  - {expect: any, "
	    "to: \"[mx1\\e]\"}\n", false, "t.yaml:6:23: step.to: bad address "
	    "literal \"[mx1\\x1b]\"" },
	{ "step to literal, too long", T_HEAD "steps:\n  - {expect: any, to: "
	    "\"[" T_N239 "]\"}\n", false, "t.yaml:6:23: step.to: bad address "
	    "literal" },
	{ "step to literal of the policy host", T_HEAD "steps:\n  - {expect: "
	    "any, to: \"[mta-sts]\"}\n", false, "t.yaml:6:23: step.to: unknown "
	    "host \"mta-sts\" in the clean world" },
	{ "step to literal unquoted", T_HEAD "steps:\n  - {expect: any, to: "
	    "[mx1]}\n", false, "t.yaml:6:23: step.to: expected a scalar, found "
	    "a sequence (an address literal is written quoted, \"[mx1]\")" },
	{ "step to literal and wait policy", T_HEAD "steps:\n  - {expect: any, "
	    "to: \"[mx1]\", wait: policy}\n", false, "t.yaml:6:38: step.wait: "
	    "policy needs to: @ (the policy host serves only "
	    "mta-sts.<domain>, and an address literal has no policy domain, "
	    "RFC 8461 §3.4)" },
	{ "step to literal and policy_fetched true", T_HEAD "steps:\n  - {to: "
	    "\"[mx1]\", expect: {delivery: any, policy_fetched: true}}\n",
	    false, "t.yaml:6:59: step.expect.policy_fetched: true needs to: @ "
	    "(the policy host serves only mta-sts.<domain>, and an address "
	    "literal has no policy domain" },
	{ "step to literal, host only attacked", T_HEAD "attack:\n  hosts:\n"
	    "    mx1: {}\n    evil: {}\nsteps:\n  - {attack: true, expect: "
	    "any, to: \"[evil]\"}\n", false, "step.to: unknown host \"evil\" "
	    "in the clean world" },
	{ "step to literal of an attacker's host", T_HEAD "attack:\n  hosts:\n"
	    "    mx1: {starttls: strip}\nsteps:\n  - {attack: true, expect: "
	    "any, to: \"[mx1]\"}\n", false, "step.to: host \"mx1\" is the "
	    "attacker's in the attacked world" },
	/* step relay: the smart host, a host label like to; the policy domain */
	{ "step relay", T_HEAD "steps:\n  - {expect: tls, relay: \"@\", to: b}\n"
	    "  - {expect: none, relay: a.b-c.9}\n  - {expect: tls}\n", true,
	    NULL },
	{ "step relay @ to b and wait policy", T_HEAD "steps:\n  - {expect: "
	    "tls, relay: \"@\", to: b, wait: policy}\n", true, NULL },
	{ "step relay @ to b and policy_fetched true", T_HEAD "steps:\n  - "
	    "{relay: \"@\", to: b, expect: {delivery: tls, policy_fetched: "
	    "true}}\n", true, NULL },
	{ "step relay b and wait policy", T_HEAD "steps:\n  - {expect: tls, "
	    "relay: b, wait: policy}\n", false, "t.yaml:6:35: step.wait: "
	    "policy needs relay: @ (the policy host serves only "
	    "mta-sts.<domain>, not mta-sts.b.<domain>)" },
	{ "step relay b to @ and policy_fetched true", T_HEAD "steps:\n  - "
	    "{relay: b, expect: {delivery: tls, policy_fetched: true}}\n",
	    false, "t.yaml:6:56: step.expect.policy_fetched: true needs "
	    "relay: @" },
	{ "step relay b to b and wait policy", T_HEAD "steps:\n  - {expect: "
	    "tls, to: b, relay: b, wait: policy}\n", false, "t.yaml:6:42: "
	    "step.wait: policy needs relay: @" },
	{ "step relay empty", T_HEAD "steps:\n  - {expect: tls, relay: \"\"}\n",
	    false, "t.yaml:6:26: step.relay: bad host label \"\"" },
	{ "step relay absolute", T_HEAD "steps:\n  - {expect: tls, relay: "
	    "smtp.example.}\n", false, "t.yaml:6:26: step.relay: bad host "
	    "label \"smtp.example.\"" },
	{ "step relay literal", T_HEAD "steps:\n  - {expect: tls, relay: "
	    "\"[127.0.0.1]\"}\n", false, "t.yaml:6:26: step.relay: bad host "
	    "label \"[127.0.0.1]\"" },
	{ "step relay with port", T_HEAD "steps:\n  - {expect: tls, relay: "
	    "\"b:25\"}\n", false, "t.yaml:6:26: step.relay: bad host label "
	    "\"b:25\"" },
	{ "step relay option-like", T_HEAD "steps:\n  - {expect: tls, relay: "
	    "\"-\"}\n", false, "t.yaml:6:26: step.relay: bad host label "
	    "\"-\"" },
	{ "step relay control char", T_HEAD "steps:\n  - {expect: tls, relay: "
	    "\"b\\n-\"}\n", false, "t.yaml:6:26: step.relay: bad host label "
	    "\"b\\x0a-\"" },
	{ "step relay too long", T_HEAD "steps:\n  - {expect: tls, relay: "
	    T_N239 "}\n", false, "t.yaml:6:26: step.relay: bad host label" },
	{ "step relay longest", T_HEAD "steps:\n  - {expect: tls, relay: "
	    T_N231 "}\n", true, NULL },
	{ "step relay reserved", T_HEAD "steps:\n  - {expect: tls, relay: "
	    "mta-sts}\n", false, "t.yaml:6:26: step.relay: label \"mta-sts\" "
	    "is reserved for the policy host" },
	{ "step relay sequence", T_HEAD "steps:\n  - {expect: tls, relay: "
	    "[b]}\n", false, "t.yaml:6:26: step.relay: expected a scalar, "
	    "found a sequence" },
	{ "step relay null", T_HEAD "steps:\n  - {expect: tls, relay: ~}\n",
	    false, "t.yaml:6:26: step.relay: bad host label" },
	{ "step restart mapping", T_HEAD "steps:\n  - {expect: tls, restart: "
	    "{now: true}}\n", false, "t.yaml:6:28: step.restart: expected a "
	    "scalar, found a mapping" },
	{ "step wait bad value", T_HEAD "steps:\n  - {expect: tls, wait: "
	    "fetch}\n", false, "t.yaml:6:25: step.wait: bad value \"fetch\" "
	    "(allowed: none, policy)" },
	{ "step wait upper case", T_HEAD "steps:\n  - {expect: tls, wait: "
	    "POLICY}\n", false, "t.yaml:6:25: step.wait: bad value "
	    "\"POLICY\" (allowed: none, policy)" },
	{ "step wait bool", T_HEAD "steps:\n  - {expect: tls, wait: true}\n",
	    false, "t.yaml:6:25: step.wait: bad value \"true\"" },
	{ "step wait mapping", T_HEAD "steps:\n  - {expect: tls, wait: "
	    "{policy: 1}}\n", false, "t.yaml:6:25: step.wait: expected a "
	    "scalar, found a mapping" },
	{ "step wait duplicate", T_HEAD "steps:\n  - {expect: tls, wait: "
	    "policy, wait: none}\n", false, "t.yaml:6:33: step 1: duplicate "
	    "key \"wait\" (first at 6:19)" },
	{ "strength inside expect", T_HEAD "expect: {delivery: tls, strength: "
	    "MAY}\n", false, "t.yaml:5:25: expect: unknown key \"strength\" "
	    "(allowed: delivery, at, sni, policy_fetched, retry, alert)" },
	{ "wait at top level", T_HEAD "expect: tls\nwait: policy\n", false,
	    "t.yaml:6:1: top level: unknown key \"wait\"" },

	/* the first step expects none: only with an attack (a clean twin) */
	{ "first step none, shorthand", T_HEAD "expect: none\n", false,
	    "t.yaml:5:9: " T_NONE_MSG },
	{ "first step none, shorthand mapping", T_HEAD "expect: {delivery: "
	    "none, at: mx1}\n", false, "t.yaml:5:9: " T_NONE_MSG },
	{ "first step none, steps", T_HEAD "steps:\n  - {expect: none}\n"
	    "  - {expect: tls}\n", false, "t.yaml:6:14: " T_NONE_MSG },
	{ "first step none, block mapping", T_HEAD "steps:\n  - clock: 5\n"
	    "    expect:\n      delivery: none\n", false,
	    "t.yaml:8:7: " T_NONE_MSG },
	{ "first step none, INFO strength", "id: t\ntitle: T\nclauses: "
	    "[R-4-1]\nstrength: INFO\nexpect: none\n", false,
	    "t.yaml:5:9: " T_NONE_MSG },
	{ "first step none, step strength", T_HEAD "steps:\n  - {expect: none, "
	    "strength: INFO}\n", false, "t.yaml:6:14: " T_NONE_MSG },
	{ "first step none before a later error", T_HEAD "steps:\n  - {expect: "
	    "none}\n  - {expect: bogus}\n", false, "t.yaml:6:14: "
	    T_NONE_MSG },
	{ "later step none without attack", T_HEAD "steps:\n  - {expect: tls}\n"
	    "  - {expect: none}\n", true, NULL },
	{ "first step none with attack", T_HEAD "attack: {hosts: {mx1: "
	    "{starttls: strip}}}\nsteps:\n  - {expect: none}\n  - {attack: "
	    "true, expect: none}\n", true, NULL },

	/*
	 * templates are checked with a 21-char domain and 127.255.255.H, as
	 * long as anything the runner gives: each failing row here passed
	 * with "example.test" and 127.1.2.H
	 */
	{ "record owner longest", T_HEAD "world:\n  records: [\"" T_N231 " 1 A "
	    "1.2.3.4\"]\nexpect: any\n", true, NULL },
	{ "record owner too long", T_HEAD "world:\n  records: [\"" T_N239 " 1 "
	    "A 1.2.3.4\"]\nexpect: any\n", false, "t.yaml:6:13: record "
	    "\"x1234567x1234567x1234567x1234567x1234567x1234567...\": a name "
	    "longer than 255 bytes " T_LONG_HINT },
	{ "record MX target too long", T_HEAD "world:\n  records: [\"@ 1 MX 10 "
	    T_N239 "\"]\nexpect: any\n", false, "a name longer than 255 bytes "
	    T_LONG_HINT },
	{ "record CNAME target longest", T_HEAD "world:\n  records: [\"a 1 "
	    "CNAME " T_N231 "\"]\nexpect: any\n", true, NULL },
	{ "attack record too long", T_HEAD "attack:\n  records: [\"@ 1 MX 10 "
	    T_N239 "\"]\nexpect: any\n", false, "t.yaml:6:13: record \"@ 1 MX "
	    "10 x1234567" },
	{ "record address in a name", T_HEAD "world:\n  records: [\"" T_N220
	    ".{mx1} 1 A 1.2.3.4\"]\nexpect: any\n", false, "a name longer than "
	    "255 bytes" },
	{ "record label glued to domain", T_HEAD "world:\n  records: [\"" T_X8
	    T_X8 T_X8 T_X8 T_X8 T_X8 "{domain}. 1 A 1.2.3.4\"]\nexpect: any\n",
	    false, "t.yaml:6:13: record \"x1234567" },
	{ "record label glued to domain fits", T_HEAD "world:\n  records: [\""
	    T_X8 T_X8 T_X8 T_X8 T_X8 "1234567{domain}. 1 A 1.2.3.4\"]\n"
	    "expect: any\n", true, NULL },
	{ "record expansion overflow", T_HEAD "world:\n  records: [\"x 1 TXT "
	    T_MX1_10 T_MX1_10 T_MX1_10 T_MX1_10 T_MX1_10 T_MX1_10 T_MX1_10
	    "\"]\nexpect: any\n", false, "\": expansion overflows 1024 bytes "
	    "at \"{mx1}\" " T_LONG_HINT },
	{ "record expansion fits", T_HEAD "world:\n  records: [\"x 1 TXT "
	    T_MX1_10 T_MX1_10 T_MX1_10 T_MX1_10 T_MX1_10 T_MX1_10 "{mx1} {mx1} "
	    "{mx1} {mx1} {mx1} {mx1} {mx1}\"]\nexpect: any\n", true, NULL },
	{ "fault name longest", T_HEAD "world:\n  faults: {" T_N231 ": "
	    "timeout}\nexpect: any\n", true, NULL },
	{ "fault name too long", T_HEAD "world:\n  faults: {" T_N239 ": "
	    "timeout}\nexpect: any\n", false, "t.yaml:6:12: faults: name "
	    "\"x1234567x1234567x1234567x1234567x1234567x1234567...\" makes a "
	    "name longer than 255 bytes " T_LONG_HINT },
	{ "attack fault name too long", T_HEAD "attack:\n  faults: {" T_N239
	    ": servfail}\nexpect: any\n", false, "t.yaml:6:12: faults: name" },
	{ "policy mx longest", T_HEAD "world:\n  policy: {mx: [" T_N231 "]}\n"
	    "expect: any\n", true, NULL },
	{ "policy mx too long", T_HEAD "world:\n  policy: {mx: [" T_N239
	    "]}\nexpect: any\n", false, "t.yaml:6:17: policy.mx: "
	    "\"x1234567x1234567x1234567x1234567x1234567x1234567...\" makes a "
	    "name longer than 255 bytes " T_LONG_HINT },
	{ "policy mx wildcard too long", T_HEAD "world:\n  policy: {mx: [\"*."
	    T_N231 "\"]}\nexpect: any\n", false, "t.yaml:6:17: policy.mx: "
	    "\"*.x1234567" },
	{ "attack policy mx too long", T_HEAD "attack:\n  policy: {mx: ["
	    T_N239 "]}\nexpect: any\n", false, "t.yaml:6:17: policy.mx: "
	    "\"x1234567" },
	{ "policy mx literal is not a name", T_HEAD "world:\n  policy: {mx: "
	    "[\"" T_N239 ".{domain}\"]}\nexpect: any\n", true, NULL },
	{ NULL, NULL, false, NULL },
};

struct expand_case {
	const char	*label;
	const char	*tmpl;
	size_t		 outsz;
	const char	*want;		/* NULL: must fail */
	const char	*want_err;	/* substring when failing */
};

static const struct expand_case expand_cases[] = {
	{ "plain", "mx1 300 A 1.2.3.4", 64, "mx1 300 A 1.2.3.4", NULL },
	{ "empty", "", 1, "", NULL },
	{ "domain", "{domain}.", 64, "d.test.", NULL },
	{ "host", "mx1 300 A {mx1}", 64, "mx1 300 A 127.3.4.25", NULL },
	{ "second host", "{evil}", 64, "127.3.4.26", NULL },
	{ "two-label host", "a.b 300 A {a.b}", 64, "a.b 300 A 127.3.4.27",
	    NULL },
	{ "a label of a two-label host", "{a}", 64, NULL,
	    "unknown placeholder \"{a}\"" },
	{ "policy host", "{mta-sts}", 64, "127.3.4.10", NULL },
	{ "several", "{mx1}/{domain}/{evil}", 64,
	    "127.3.4.25/d.test/127.3.4.26", NULL },
	{ "exact fit", "{domain}", 7, "d.test", NULL },
	{ "stray close brace", "a}b", 64, "a}b", NULL },
	{ "unknown label", "{mx9}", 64, NULL, "unknown placeholder \"{mx9}\"" },
	{ "empty placeholder", "a{}b", 64, NULL, "unknown placeholder \"{}\"" },
	{ "case matters", "{MX1}", 64, NULL, "unknown placeholder \"{MX1}\"" },
	{ "unclosed", "x {mx1", 64, NULL, "unclosed placeholder \"{mx1\"" },
	{ "unclosed at end", "x {", 64, NULL, "unclosed placeholder \"{\"" },
	{ "nested", "{{mx1}}", 64, NULL, "unknown placeholder \"{{mx1}\"" },
	{ "overlong name", "{aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaa}", 200, NULL, "unknown placeholder" },
	{ "overflow at placeholder", "0123{domain}", 8, NULL,
	    "expansion overflows 8 bytes at \"{domain}\"" },
	{ "overflow at literal", "0123456789", 8, NULL,
	    "expansion overflows 8 bytes at \"0123456789\"" },
	{ "overflow by the NUL", "{domain}", 6, NULL,
	    "overflows 6 bytes at \"{domain}\"" },
	{ "bad label after overflow", "0123456789{nosuch}", 4, NULL,
	    "unknown placeholder \"{nosuch}\"" },
	{ NULL, NULL, 0, NULL, NULL },
};

struct file_walk {
	char	*paths[T_FILES_MAX];
	size_t	 n;
};

static struct file_walk	*t_walk;	/* ftw has no callback argument */

static int	t_load(const char *, struct scenario **, struct err *);
static char    *t_deep(size_t);
static int	t_walk_add(const char *, const struct stat *, int);
static int	t_check(const struct load_case *);
static void	test_scenario_load_table(void **);
static void	test_scenario_deep_nesting(void **);
static void	test_scenario_oversized(void **);
static void	test_scenario_w0_defaults(void **);
static void	test_scenario_world_replace(void **);
static void	test_scenario_overlay(void **);
static void	test_scenario_overlay_policy(void **);
static void	test_scenario_raw_body(void **);
static void	test_scenario_mx_names(void **);
static void	test_scenario_steps(void **);
static void	test_scenario_expand(void **);
static void	test_scenario_expand_args(void **);
static void	test_scenario_host_octet(void **);
static void	test_scenario_strings(void **);
static void	test_scenario_load_file(void **);
static void	test_scenario_file_names(void **);
static void	test_scenario_catalog(void **);
static void	t_write(const char *, const char *);
static bool	t_one_line(const char *);
static void	test_scenario_shipped_files(void **);
static bool	t_documented(const char *, const char *, const char *);
static void	test_scenario_documented(void **);

static int
t_load(const char *yaml, struct scenario **out, struct err *err)
{
	err_clear(err);
	return scenario_load_buf(T_NAME, yaml, strlen(yaml), out, err);
}

/* t_deep - T_HEAD plus "world: " and n balanced nested brackets */
static char *
t_deep(size_t n)
{
	size_t	 head = strlen(T_HEAD "world: ");
	char	*s = xmalloc(head + 2 * n + 2);

	memcpy(s, T_HEAD "world: ", head);
	memset(s + head, '[', n);
	memset(s + head + n, ']', n);
	s[head + 2 * n] = '\n';
	s[head + 2 * n + 1] = '\0';
	return s;
}

/* t_check - one table row; prints and counts a mismatch */
static int
t_check(const struct load_case *tc)
{
	struct scenario	*scn = (struct scenario *)1;
	struct err	 err;
	int		 rc, bad = 0;

	rc = t_load(tc->yaml, &scn, &err);
	if (tc->want_ok && rc != 0) {
		print_error("%s: want ok, got \"%s\"\n", tc->label, err.msg);
		return 1;
	}
	if (tc->want_ok) {
		if (scn == NULL || scn == (struct scenario *)1) {
			print_error("%s: no scenario\n", tc->label);
			return 1;
		}
		scenario_free(scn);
		return 0;
	}
	if (rc != -1) {
		print_error("%s: want error \"%s\", got ok\n", tc->label,
		    tc->want_err);
		scenario_free(scn);
		return 1;
	}
	if (strstr(err.msg, tc->want_err) == NULL) {
		print_error("%s: want \"%s\"\n%*s in \"%s\"\n", tc->label,
		    tc->want_err, (int)strlen(tc->label), "", err.msg);
		bad = 1;
	}
	if (scn != NULL) {
		print_error("%s: *out not NULL on error\n", tc->label);
		bad = 1;
	}
	if (strncmp(err.msg, T_NAME ":", strlen(T_NAME ":")) != 0) {
		print_error("%s: no file name in \"%s\"\n", tc->label, err.msg);
		bad = 1;
	}
	return bad;
}

static void
test_scenario_load_table(void **state)
{
	const struct load_case	*tc;
	int			 bad = 0, n = 0;

	(void)state;
	for (tc = load_cases; tc->label != NULL; tc++, n++)
		bad += t_check(tc);
	if (bad > 0)
		fail_msg("%d of %d rows failed", bad, n);
}

static void
test_scenario_deep_nesting(void **state)
{
	struct scenario	*scn;
	struct err	 err;
	char		*yaml;

	(void)state;
	/* 10k levels: rejected at the 16th open bracket, no recursion */
	yaml = t_deep(T_DEEP);
	assert_int_equal(t_load(yaml, &scn, &err), -1);
	assert_non_null(strstr(err.msg, "t.yaml:5:23: nesting deeper than 16 "
	    "levels"));
	free(yaml);
	/* 15 levels parse (and then fail as the wrong type) */
	yaml = t_deep(15);
	assert_int_equal(t_load(yaml, &scn, &err), -1);
	assert_non_null(strstr(err.msg, "t.yaml:5:8: world: expected a "
	    "mapping, found a sequence"));
	free(yaml);
}

static void
test_scenario_oversized(void **state)
{
	struct scenario	*scn;
	struct err	 err;
	size_t		 len = 1024 * 1024, head = strlen(T_HEAD);
	char		*buf = xmalloc(len + 2);

	(void)state;
	/* exactly 1 MiB (a long comment, then expect) loads */
	memcpy(buf, T_HEAD, head);
	memset(buf + head, '#', len - head);
	memcpy(buf + len - 13, "\nexpect: tls\n", 13);
	buf[len] = '\0';
	assert_int_equal(scenario_load_buf(T_NAME, buf, len, &scn, &err), 0);
	scenario_free(scn);
	/* one byte more does not; the position is where the bound falls */
	buf[len] = '#';
	buf[len + 1] = '\0';
	assert_int_equal(scenario_load_buf(T_NAME, buf, len + 1, &scn, &err),
	    -1);
	assert_null(scn);
	assert_string_equal(err.msg, "t.yaml:7:1: file larger than 1048576 "
	    "bytes");
	free(buf);
}

static void
test_scenario_w0_defaults(void **state)
{
	struct scenario		*scn;
	struct err		 err;
	const struct scn_world	*w;
	int			 i;

	(void)state;
	assert_int_equal(t_load(T_HEAD "expect: tls\n", &scn, &err), 0);
	assert_string_equal(scn->file, T_NAME);
	assert_string_equal(scn->id, "t");
	assert_string_equal(scn->title, "T");
	assert_int_equal(scn->nclauses, 1);
	assert_string_equal(scn->clauses[0], "R-4-1");
	assert_int_equal(scn->strength, SCN_MUST);
	assert_false(scn->has_attack);
	for (i = 0; i < 2; i++) {
		w = i == 0 ? &scn->clean : &scn->attacked;
		assert_int_equal(w->nrecords, 4);
		assert_string_equal(w->records[0], "@ 300 MX 10 mx1");
		assert_string_equal(w->records[1], "mx1 300 A {mx1}");
		assert_string_equal(w->records[2], "mta-sts 300 A {mta-sts}");
		assert_string_equal(w->records[3],
		    "_mta-sts 1 TXT \"v=STSv1; id=1\"");
		assert_int_equal(w->nfaults, 0);
		assert_int_equal(w->policy.serve, POLICY_SERVE_ANSWER);
		assert_string_equal(w->policy.location, "");
		assert_int_equal(w->policy.sni, POLICY_SNI_ANY);
		assert_int_equal(w->policy.tls, TLS_VERSIONS_ANY);
		assert_int_equal(w->policy.pad, 0);
		assert_false(w->policy.validators);
		assert_string_equal(w->policy.body, "version: STSv1\r\nmode: "
		    "enforce\r\nmx: mx1.{domain}\r\nmax_age: 86400\r\n");
		assert_int_equal(w->policy.status, 200);
		assert_string_equal(w->policy.content_type, "text/plain");
		assert_int_equal(w->policy.cert, CERT_VALID);
		assert_int_equal(w->nhosts, 1);
		assert_string_equal(w->hosts[0].label, "mx1");
		assert_int_equal(w->hosts[0].starttls, MX_STARTTLS_OFFER);
		assert_int_equal(w->hosts[0].cert, CERT_VALID);
		assert_false(w->hosts[0].attacker);
	}
	/* attacked is a copy, not an alias */
	assert_ptr_not_equal(scn->clean.policy.body, scn->attacked.policy.body);
	assert_int_equal(scn->nsteps, 1);
	assert_false(scn->steps[0].attack);
	assert_int_equal(scn->steps[0].expect, SCN_DELIVER_TLS);
	assert_string_equal(scn->steps[0].expect_at, "");
	assert_int_equal(scn->steps[0].clock, 0);
	scenario_free(scn);
}

static void
test_scenario_world_replace(void **state)
{
	struct scenario	*scn;
	struct err	 err;

	(void)state;
	assert_int_equal(t_load(T_HEAD "world:\n"
	    "  records: [\"@ 300 MX 10 b\", \"@ 300 MX 20 a\", \"a 1 A {a}\", "
	    "\"b 1 A {b}\"]\n"
	    "  faults: {_mta-sts: timeout, mta-sts: nxdomain}\n"
	    "  policy: {status: 404, content_type: \"\", cert: self-signed, "
	    "serve: false}\n"
	    "  hosts:\n"
	    "    a: {starttls: refuse}\n"
	    "    b: {cert: unknown-ca}\n"
	    "expect: {delivery: plain, at: b}\n", &scn, &err), 0);
	assert_int_equal(scn->clean.nrecords, 4);
	assert_string_equal(scn->clean.records[3], "b 1 A {b}");
	assert_int_equal(scn->clean.nfaults, 2);
	assert_string_equal(scn->clean.faults[0].name, "_mta-sts");
	assert_int_equal(scn->clean.faults[0].fault, DNS_FAULT_TIMEOUT);
	assert_string_equal(scn->clean.faults[1].name, "mta-sts");
	assert_int_equal(scn->clean.faults[1].fault, DNS_FAULT_NXDOMAIN);
	assert_int_equal(scn->clean.policy.status, 404);
	assert_string_equal(scn->clean.policy.content_type, "");
	assert_int_equal(scn->clean.policy.cert, CERT_SELF_SIGNED);
	assert_int_equal(scn->clean.policy.serve, POLICY_SERVE_OFF);
	/* the body stays the W0 one: only status/type/cert/serve changed */
	assert_non_null(strstr(scn->clean.policy.body, "mode: enforce\r\n"));
	assert_int_equal(scn->clean.nhosts, 2);
	assert_string_equal(scn->clean.hosts[0].label, "a");
	assert_int_equal(scn->clean.hosts[0].starttls, MX_STARTTLS_REFUSE);
	assert_int_equal(scn->clean.hosts[0].cert, CERT_VALID);
	assert_string_equal(scn->clean.hosts[1].label, "b");
	assert_int_equal(scn->clean.hosts[1].starttls, MX_STARTTLS_OFFER);
	assert_int_equal(scn->clean.hosts[1].cert, CERT_UNKNOWN_CA);
	assert_int_equal(scenario_host_octet(&scn->clean, "b"), 26);
	assert_string_equal(scn->steps[0].expect_at, "b");
	assert_int_equal(scn->steps[0].expect, SCN_DELIVER_PLAIN);
	/* no attack: attacked is an exact copy */
	assert_int_equal(scn->attacked.nrecords, 4);
	assert_int_equal(scn->attacked.nhosts, 2);
	assert_int_equal(scn->attacked.nfaults, 2);
	assert_int_equal(scn->attacked.policy.serve, POLICY_SERVE_OFF);
	assert_string_equal(scn->attacked.policy.body, scn->clean.policy.body);
	scenario_free(scn);
}

/*
 * test_scenario_validators_overlay - an attack that changes the policy
 * keeps the clean world's validators (and re-renders the body); one that
 * sets validators: false drops them and keeps the body
 */
static void
test_scenario_validators_overlay(void **state)
{
	static const char *const attacks[] = {
		"  policy: {mx: [mx2]}\n",
		"  policy: {validators: false}\n",
	};
	struct scenario	*scn;
	struct err	 err;
	char		 text[1024];
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(attacks) / sizeof(attacks[0]); i++) {
		assert_int_equal(str_fmt(text, sizeof(text), T_HEAD "world:\n"
		    "  policy: {validators: true}\n"
		    "attack:\n%sexpect: none\n", attacks[i]), 0);
		assert_int_equal(t_load(text, &scn, &err), 0);
		assert_true(scn->clean.policy.validators);
		if (i == 0) {
			assert_true(scn->attacked.policy.validators);
			assert_non_null(strstr(scn->attacked.policy.body,
			    "mx: mx2.{domain}\r\n"));
		} else {
			assert_false(scn->attacked.policy.validators);
			assert_string_equal(scn->attacked.policy.body,
			    scn->clean.policy.body);
		}
		scenario_free(scn);
	}
}

static void
test_scenario_overlay(void **state)
{
	struct scenario		*scn;
	struct err		 err;
	const struct scn_world	*a;

	(void)state;
	assert_int_equal(t_load(T_HEAD "world:\n"
	    "  records:\n"
	    "    - \"@ 300 MX 10 mx1\"\n"
	    "    - \"@ 300 MX 20 mx2\"\n"
	    "    - \"mx1 300 A {mx1}\"\n"
	    "    - \"mx2 300 A {mx2}\"\n"
	    "    - \"mta-sts 300 A {mta-sts}\"\n"
	    "    - \"_mta-sts 1 TXT \\\"v=STSv1; id=1\\\"\"\n"
	    "  faults: {mx2: servfail}\n"
	    "  hosts: {mx1: {}, mx2: {cert: expired}}\n"
	    "attack:\n"
	    "  records: [\"@ 300 MX 10 evil\", \"@ 300 MX 20 evil2\", "
	    "\"evil 300 A {evil}\", \"{domain}. 300 TXT x\"]\n"
	    "  remove: [\"_mta-sts TXT\", \"mx2.{domain}. A\"]\n"
	    "  faults: {mx2: timeout, mta-sts: nxdomain}\n"
	    "  hosts:\n"
	    "    mx2: {starttls: strip}\n"
	    "    evil: {cert: wrong-name}\n"
	    "expect: none\n", &scn, &err), 0);
	assert_true(scn->has_attack);
	/* clean untouched */
	assert_int_equal(scn->clean.nrecords, 6);
	assert_int_equal(scn->clean.nhosts, 2);
	assert_false(scn->clean.hosts[1].attacker);
	assert_int_equal(scn->clean.hosts[1].starttls, MX_STARTTLS_OFFER);
	assert_int_equal(scn->clean.nfaults, 1);
	/* both MX records replaced, TXT and mx2's A removed, rest added */
	a = &scn->attacked;
	assert_int_equal(a->nrecords, 6);
	assert_string_equal(a->records[0], "mx1 300 A {mx1}");
	assert_string_equal(a->records[1], "mta-sts 300 A {mta-sts}");
	assert_string_equal(a->records[2], "@ 300 MX 10 evil");
	assert_string_equal(a->records[3], "@ 300 MX 20 evil2");
	assert_string_equal(a->records[4], "evil 300 A {evil}");
	assert_string_equal(a->records[5], "{domain}. 300 TXT x");
	/* hosts keep their indices; the new one is appended */
	assert_int_equal(a->nhosts, 3);
	assert_string_equal(a->hosts[0].label, "mx1");
	assert_false(a->hosts[0].attacker);
	assert_string_equal(a->hosts[1].label, "mx2");
	assert_true(a->hosts[1].attacker);
	assert_int_equal(a->hosts[1].starttls, MX_STARTTLS_STRIP);
	assert_int_equal(a->hosts[1].cert, CERT_EXPIRED);	/* kept */
	assert_string_equal(a->hosts[2].label, "evil");
	assert_true(a->hosts[2].attacker);
	assert_int_equal(a->hosts[2].starttls, MX_STARTTLS_OFFER);
	assert_int_equal(a->hosts[2].cert, CERT_WRONG_NAME);
	assert_int_equal(scenario_host_octet(a, "evil"), 27);
	/* faults: overridden and added */
	assert_int_equal(a->nfaults, 2);
	assert_string_equal(a->faults[0].name, "mx2");
	assert_int_equal(a->faults[0].fault, DNS_FAULT_TIMEOUT);
	assert_string_equal(a->faults[1].name, "mta-sts");
	/* the expect shorthand runs in the attacked world */
	assert_int_equal(scn->nsteps, 1);
	assert_true(scn->steps[0].attack);
	assert_int_equal(scn->steps[0].expect, SCN_DELIVER_NONE);
	scenario_free(scn);

	/* an attack record with another type or owner is only added */
	assert_int_equal(t_load(T_HEAD "attack:\n  records: [\"mx1 300 AAAA "
	    "::1\", \"MX1 300 A 127.0.0.2\"]\nexpect: any\n", &scn, &err), 0);
	assert_int_equal(scn->attacked.nrecords, 5);
	assert_string_equal(scn->attacked.records[0], "@ 300 MX 10 mx1");
	assert_string_equal(scn->attacked.records[1],
	    "mta-sts 300 A {mta-sts}");
	assert_string_equal(scn->attacked.records[3], "mx1 300 AAAA ::1");
	assert_string_equal(scn->attacked.records[4], "MX1 300 A 127.0.0.2");
	scenario_free(scn);
}

static void
test_scenario_overlay_policy(void **state)
{
	struct scenario	*scn;
	struct err	 err;

	(void)state;
	/* attack changes mx: the body is re-rendered, mode kept */
	assert_int_equal(t_load(T_HEAD "world:\n  policy: {mode: testing, "
	    "max_age: 604800}\nattack:\n  policy: {mx: [evil, \"*\", "
	    "\"mx.provider.example.\"], cert: expired, status: 500}\nexpect: "
	    "none\n", &scn, &err), 0);
	assert_string_equal(scn->clean.policy.body, "version: STSv1\r\n"
	    "mode: testing\r\nmx: mx1.{domain}\r\nmax_age: 604800\r\n");
	assert_string_equal(scn->attacked.policy.body, "version: STSv1\r\n"
	    "mode: testing\r\nmx: evil.{domain}\r\nmx: *.{domain}\r\n"
	    "mx: mx.provider.example\r\nmax_age: 604800\r\n");
	assert_int_equal(scn->clean.policy.cert, CERT_VALID);
	assert_int_equal(scn->attacked.policy.cert, CERT_EXPIRED);
	assert_int_equal(scn->clean.policy.status, 200);
	assert_int_equal(scn->attacked.policy.status, 500);
	scenario_free(scn);

	/* attack changes only the cert: the body is the clean one */
	assert_int_equal(t_load(T_HEAD "world:\n  policy: {mx: []}\nattack:\n"
	    "  policy: {cert: wrong-name}\nexpect: none\n", &scn, &err), 0);
	assert_string_equal(scn->clean.policy.body, "version: STSv1\r\n"
	    "mode: enforce\r\nmax_age: 86400\r\n");
	assert_string_equal(scn->attacked.policy.body,
	    scn->clean.policy.body);
	scenario_free(scn);

	/* attack gives a raw body over a rendered one */
	assert_int_equal(t_load(T_HEAD "attack:\n  policy: {body: \"mode: "
	    "none\\n\"}\nexpect: any\n", &scn, &err), 0);
	assert_string_equal(scn->attacked.policy.body, "mode: none\n");
	scenario_free(scn);
}

static void
test_scenario_raw_body(void **state)
{
	struct scenario	*scn;
	struct err	 err;

	(void)state;
	/* raw clean body; an attack max_age re-renders from W0's fields */
	assert_int_equal(t_load(T_HEAD "world:\n  policy:\n    body: |\n"
	    "      version: STSv1\n      mode: enforce\n      mx: {domain}\n"
	    "attack:\n  policy: {max_age: 0}\nexpect: none\n", &scn, &err), 0);
	assert_string_equal(scn->clean.policy.body, "version: STSv1\n"
	    "mode: enforce\nmx: {domain}\n");
	assert_string_equal(scn->attacked.policy.body, "version: STSv1\r\n"
	    "mode: enforce\r\nmx: mx1.{domain}\r\nmax_age: 0\r\n");
	scenario_free(scn);

	/* an empty body is a body */
	assert_int_equal(t_load(T_HEAD "world:\n  policy: {body: \"\"}\n"
	    "expect: any\n", &scn, &err), 0);
	assert_string_equal(scn->clean.policy.body, "");
	scenario_free(scn);
}

static void
test_scenario_mx_names(void **state)
{
	static const struct {
		const char	*in;
		const char	*want;
	} cases[] = {
		{ "mx1", "mx1.{domain}" },
		{ "*", "*.{domain}" },
		{ "*.mx", "*.mx.{domain}" },
		{ "a.b_c", "a.b_c.{domain}" },
		{ "mx.provider.example.", "mx.provider.example" },
		{ "mx1.{domain}", "mx1.{domain}" },		/* literal */
		{ "**", "**" },
		{ "a..b", "a..b" },
		{ "..", ".." },
		{ "*.", "*" },
		{ "-", "-.{domain}" },
		{ NULL, NULL },
	};
	struct scenario	*scn;
	struct err	 err;
	char		 yaml[512], want[256];
	size_t		 i;

	(void)state;
	for (i = 0; cases[i].in != NULL; i++) {
		assert_int_equal(str_fmt(yaml, sizeof(yaml), T_HEAD "world:\n"
		    "  policy: {mx: [\"%s\"]}\nexpect: any\n", cases[i].in), 0);
		assert_int_equal(str_fmt(want, sizeof(want), "mx: %s\r\n",
		    cases[i].want), 0);
		if (t_load(yaml, &scn, &err) == -1)
			fail_msg("%s: %s", cases[i].in, err.msg);
		if (strstr(scn->clean.policy.body, want) == NULL)
			fail_msg("%s: want \"%s\" in \"%s\"", cases[i].in,
			    cases[i].want, scn->clean.policy.body);
		scenario_free(scn);
	}
}

static void
test_scenario_steps(void **state)
{
	struct scenario	*scn;
	struct err	 err;
	size_t		 i;

	(void)state;
	assert_int_equal(t_load(T_HEAD "attack:\n  hosts: {mx1: {starttls: "
	    "strip}}\nsteps:\n  - expect: tls\n  - {attack: true, expect: "
	    "{delivery: none, at: mx1}, clock: 3600}\n  - {attack: false, "
	    "expect: any, clock: 0}\n", &scn, &err), 0);
	assert_int_equal(scn->nsteps, 3);
	assert_false(scn->steps[0].attack);
	assert_int_equal(scn->steps[0].expect, SCN_DELIVER_TLS);
	assert_int_equal(scn->steps[0].clock, 0);
	assert_string_equal(scn->steps[0].expect_at, "");
	assert_true(scn->steps[1].attack);
	assert_int_equal(scn->steps[1].expect, SCN_DELIVER_NONE);
	assert_string_equal(scn->steps[1].expect_at, "mx1");
	assert_int_equal(scn->steps[1].clock, 3600);
	assert_false(scn->steps[2].attack);
	assert_int_equal(scn->steps[2].expect, SCN_DELIVER_ANY);
	/* no strength or wait given: the scenario's, and none */
	for (i = 0; i < scn->nsteps; i++) {
		assert_int_equal(scn->steps[i].strength, SCN_MUST);
		assert_int_equal(scn->steps[i].wait, SCN_WAIT_NONE);
	}
	scenario_free(scn);

	/* policy_fetched: left out, true and false are three answers */
	assert_int_equal(t_load(T_HEAD "steps:\n  - expect: tls\n"
	    "  - {expect: {delivery: tls, policy_fetched: true}}\n"
	    "  - {expect: {delivery: any, policy_fetched: false}}\n", &scn,
	    &err), 0);
	assert_int_equal(scn->steps[0].expect_fetch, SCN_WANT_ANY);
	assert_int_equal(scn->steps[1].expect_fetch, SCN_WANT_YES);
	assert_int_equal(scn->steps[2].expect_fetch, SCN_WANT_NO);
	scenario_free(scn);

	/* a two-label host: its own address, its own step target */
	assert_int_equal(t_load(T_HEAD "world:\n  records: [\"@ 300 MX 10 "
	    "b.c\", \"b.c 300 A {b.c}\", \"mta-sts 300 A {mta-sts}\"]\n"
	    "  hosts: {mx1: {}, b.c: {cert: wildcard}}\n"
	    "expect: {delivery: tls, at: b.c}\n", &scn, &err), 0);
	assert_string_equal(scn->clean.hosts[1].label, "b.c");
	assert_int_equal(scn->clean.hosts[1].cert, CERT_WILDCARD);
	assert_string_equal(scn->clean.hosts[1].cert_for, "");
	assert_int_equal(scenario_host_octet(&scn->clean, "b.c"), 26);
	assert_string_equal(scn->steps[0].expect_at, "b.c");
	scenario_free(scn);

	/* no attack: the shorthand step is a clean one */
	assert_int_equal(t_load(T_HEAD "expect: any\n", &scn, &err), 0);
	assert_false(scn->steps[0].attack);
	assert_int_equal(scn->steps[0].expect, SCN_DELIVER_ANY);
	scenario_free(scn);

	/* the shorthand's step has the scenario's strength */
	assert_int_equal(t_load("id: t\ntitle: T\nclauses: [R-4-1]\n"
	    "strength: SHOULD\nexpect: tls\n", &scn, &err), 0);
	assert_int_equal(scn->strength, SCN_SHOULD);
	assert_int_equal(scn->steps[0].strength, SCN_SHOULD);
	assert_int_equal(scn->steps[0].wait, SCN_WAIT_NONE);
	scenario_free(scn);

	/* each step's own strength and wait; defaults from the scenario */
	assert_int_equal(t_load("id: t\ntitle: T\nclauses: [R-4-1]\n"
	    "strength: MAY\nsteps:\n  - {expect: tls, wait: policy}\n"
	    "  - {expect: tls, strength: MUST, clock: 63158400}\n"
	    "  - {expect: any, strength: SHOULD, wait: none}\n"
	    "  - {expect: none, strength: INFO}\n", &scn, &err), 0);
	assert_int_equal(scn->nsteps, 4);
	assert_int_equal(scn->steps[0].strength, SCN_MAY);
	assert_int_equal(scn->steps[0].wait, SCN_WAIT_POLICY);
	assert_int_equal(scn->steps[1].strength, SCN_MUST);
	assert_int_equal(scn->steps[1].wait, SCN_WAIT_NONE);
	assert_int_equal(scn->steps[1].clock, SCN_CLOCK_STEP_MAX);
	assert_int_equal(scn->steps[2].strength, SCN_SHOULD);
	assert_int_equal(scn->steps[2].wait, SCN_WAIT_NONE);
	assert_int_equal(scn->steps[3].strength, SCN_INFO);
	assert_int_equal(scn->steps[3].expect, SCN_DELIVER_NONE);
	scenario_free(scn);

	/* to: the recipient domain of each step; "@" when left out */
	assert_int_equal(t_load(T_HEAD "steps:\n  - expect: tls\n"
	    "  - {expect: plain, to: b}\n  - {expect: any, to: a.b}\n", &scn,
	    &err), 0);
	{
		char	dom[SCN_NAME_MAX];

		assert_string_equal(scn->steps[0].to, "@");
		assert_int_equal(scenario_rcpt_domain(&scn->steps[0],
		    "d.test", dom, sizeof(dom)), 0);
		assert_string_equal(dom, "d.test");
		assert_int_equal(scenario_rcpt_domain(&scn->steps[1],
		    "d.test", dom, sizeof(dom)), 0);
		assert_string_equal(dom, "b.d.test");
		assert_int_equal(scenario_rcpt_domain(&scn->steps[2],
		    "d.test", dom, sizeof(dom)), 0);
		assert_string_equal(dom, "a.b.d.test");
		/* a buffer too small is an error, not a cut name */
		assert_int_equal(scenario_rcpt_domain(&scn->steps[1],
		    "d.test", dom, 8), -1);
	}
	scenario_free(scn);

	/* relay: the smart host of each step; "" (none) when left out */
	assert_int_equal(t_load(T_HEAD "steps:\n  - expect: tls\n"
	    "  - {expect: plain, to: b, relay: \"@\"}\n"
	    "  - {expect: any, relay: a.b}\n", &scn, &err), 0);
	{
		char	dom[SCN_NAME_MAX];

		assert_string_equal(scn->steps[0].relay, "");
		assert_int_equal(scenario_relay_domain(&scn->steps[0],
		    "d.test", dom, sizeof(dom)), 0);
		assert_string_equal(dom, "");
		assert_int_equal(scenario_relay_domain(&scn->steps[1],
		    "d.test", dom, sizeof(dom)), 0);
		assert_string_equal(dom, "d.test");
		assert_int_equal(scenario_rcpt_domain(&scn->steps[1],
		    "d.test", dom, sizeof(dom)), 0);
		assert_string_equal(dom, "b.d.test");
		assert_int_equal(scenario_relay_domain(&scn->steps[2],
		    "d.test", dom, sizeof(dom)), 0);
		assert_string_equal(dom, "a.b.d.test");
		assert_string_equal(scn->steps[2].to, "@");
		assert_int_equal(scenario_relay_domain(&scn->steps[2],
		    "d.test", dom, 8), -1);
	}
	scenario_free(scn);
	assert_int_equal(t_load(T_HEAD "expect: tls\n", &scn, &err), 0);
	assert_string_equal(scn->steps[0].to, "@");
	assert_false(scn->steps[0].to_literal);
	scenario_free(scn);

	/* to: "[mx1]", user@[mx1's address]; a name for any other "to" */
	assert_int_equal(t_load(T_HEAD "world:\n  hosts:\n    mx1: {}\n"
	    "    mx2: {}\nsteps:\n  - {expect: any, to: \"[mx2]\"}\n"
	    "  - {expect: any, to: b}\n", &scn, &err), 0);
	{
		char	dom[SCN_NAME_MAX];

		assert_true(scn->steps[0].to_literal);
		assert_string_equal(scn->steps[0].to, "mx2");
		assert_int_equal(scenario_rcpt_addr(&scn->steps[0],
		    &scn->clean, "d.test", 1, 2, dom, sizeof(dom)), 0);
		assert_string_equal(dom, "[127.1.2.26]");
		assert_int_equal(scenario_rcpt_addr(&scn->steps[0],
		    &scn->clean, "d.test", 255, 255, dom, sizeof(dom)), 0);
		assert_string_equal(dom, "[127.255.255.26]");
		assert_false(scn->steps[1].to_literal);
		assert_int_equal(scenario_rcpt_addr(&scn->steps[1],
		    &scn->clean, "d.test", 1, 2, dom, sizeof(dom)), 0);
		assert_string_equal(dom, "b.d.test");
		/* too small a buffer, or a world without the host: -1 */
		assert_int_equal(scenario_rcpt_addr(&scn->steps[0],
		    &scn->clean, "d.test", 1, 2, dom, 12), -1);
		assert_int_equal(scenario_rcpt_addr(&scn->steps[0], NULL,
		    "d.test", 1, 2, dom, sizeof(dom)), -1);
	}
	scenario_free(scn);

	/* an attack's first step may expect none: its clean twin delivers */
	assert_int_equal(t_load(T_HEAD "attack: {hosts: {mx1: {starttls: "
	    "strip}}}\nexpect: {delivery: none}\n", &scn, &err), 0);
	assert_true(scn->steps[0].attack);
	assert_int_equal(scn->steps[0].expect, SCN_DELIVER_NONE);
	assert_int_equal(scn->steps[0].strength, SCN_MUST);
	scenario_free(scn);
}

static void
test_scenario_expand(void **state)
{
	const struct expand_case	*tc;
	struct scn_world		 w;
	struct err			 err;
	char				 out[256];
	int				 rc;

	(void)state;
	memset(&w, 0, sizeof(w));
	assert_int_equal(str_copy(w.hosts[0].label, "mx1", SCN_LABEL_MAX), 0);
	assert_int_equal(str_copy(w.hosts[1].label, "evil", SCN_LABEL_MAX), 0);
	assert_int_equal(str_copy(w.hosts[2].label, "a.b", SCN_LABEL_MAX), 0);
	w.nhosts = 3;
	for (tc = expand_cases; tc->label != NULL; tc++) {
		err_clear(&err);
		memset(out, 'Z', sizeof(out));
		rc = scenario_expand(tc->tmpl, "d.test", &w, 3, 4, out,
		    tc->outsz, &err);
		if (tc->want != NULL && rc != 0)
			fail_msg("%s: want \"%s\", got error \"%s\"", tc->label,
			    tc->want, err.msg);
		if (tc->want != NULL && strcmp(out, tc->want) != 0)
			fail_msg("%s: want \"%s\", got \"%s\"", tc->label,
			    tc->want, out);
		if (tc->want == NULL && rc != -1)
			fail_msg("%s: want error, got \"%s\"", tc->label, out);
		if (tc->want == NULL && strstr(err.msg, tc->want_err) == NULL)
			fail_msg("%s: want \"%s\" in \"%s\"", tc->label,
			    tc->want_err, err.msg);
		/* never a byte past outsz, always terminated */
		if (out[tc->outsz] != 'Z' || memchr(out, '\0', tc->outsz) ==
		    NULL)
			fail_msg("%s: wrote past the buffer or left it "
			    "unterminated", tc->label);
	}
}

static void
test_scenario_expand_args(void **state)
{
	struct err	err;
	char		out[32];

	(void)state;
	/* a NULL world knows only {domain} and the policy host */
	assert_int_equal(scenario_expand("{mta-sts} {domain}", "d", NULL, 0,
	    255, out, sizeof(out), &err), 0);
	assert_string_equal(out, "127.0.255.10 d");
	assert_int_equal(scenario_expand("{mx1}", "d", NULL, 1, 1, out,
	    sizeof(out), &err), -1);
	assert_int_equal(scenario_expand("x", "d", NULL, 256, 1, out,
	    sizeof(out), &err), -1);
	assert_non_null(strstr(err.msg, "out of range"));
	assert_int_equal(scenario_expand("x", "d", NULL, 1, 1, out, 0, &err),
	    -1);
	assert_int_equal(scenario_expand("{mx1}", "d", NULL, 1, 1, out,
	    sizeof(out), NULL), -1);
}

static void
test_scenario_host_octet(void **state)
{
	struct scn_world	w;
	size_t			i;
	char			label[SCN_LABEL_MAX];

	(void)state;
	memset(&w, 0, sizeof(w));
	for (i = 0; i < SCN_HOSTS_MAX; i++) {
		assert_int_equal(str_fmt(label, sizeof(label), "h%zu", i), 0);
		assert_int_equal(str_copy(w.hosts[i].label, label,
		    SCN_LABEL_MAX), 0);
	}
	w.nhosts = SCN_HOSTS_MAX;
	assert_int_equal(scenario_host_find(&w, "h0"), 0);
	assert_int_equal(scenario_host_find(&w, "h7"), 7);
	assert_int_equal(scenario_host_find(&w, "h8"), -1);
	assert_int_equal(scenario_host_find(&w, ""), -1);
	assert_int_equal(scenario_host_find(NULL, "h0"), -1);
	assert_int_equal(scenario_host_octet(&w, "h0"), SCN_HOST_OCTET0);
	assert_int_equal(scenario_host_octet(&w, "h7"), SCN_HOST_OCTET0 + 7);
	assert_int_equal(scenario_host_octet(&w, SCN_POLICY_LABEL),
	    SCN_POLICY_OCTET);
	assert_int_equal(scenario_host_octet(&w, "H0"), -1);
	assert_int_equal(scenario_host_octet(&w, "domain"), -1);
}

static void
test_scenario_strings(void **state)
{
	(void)state;
	assert_string_equal(scn_strength_str(SCN_MUST), "MUST");
	assert_string_equal(scn_strength_str(SCN_SHOULD), "SHOULD");
	assert_string_equal(scn_strength_str(SCN_MAY), "MAY");
	assert_string_equal(scn_strength_str(SCN_INFO), "INFO");
	assert_string_equal(scn_delivery_str(SCN_DELIVER_TLS), "tls");
	assert_string_equal(scn_delivery_str(SCN_DELIVER_PLAIN), "plain");
	assert_string_equal(scn_delivery_str(SCN_DELIVER_ANY), "any");
	assert_string_equal(scn_delivery_str(SCN_DELIVER_NONE), "none");
	scenario_free(NULL);
}

static void
test_scenario_load_file(void **state)
{
	struct scenario	*scn;
	struct err	 err;
	char		 dir[] = "/tmp/test_scenario.XXXXXX", path[128];
	char		 want[256], *big;
	FILE		*fp;
	size_t		 n;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(str_fmt(path, sizeof(path), "%s/s.yaml", dir), 0);

	assert_non_null(fp = fopen(path, "w"));
	assert_true(fputs(T_HEAD "expect: tls\n", fp) >= 0);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(scenario_load(path, &scn, &err), 0);
	assert_string_equal(scn->file, path);
	scenario_free(scn);

	/* errors name the path */
	assert_non_null(fp = fopen(path, "w"));
	assert_true(fputs(T_HEAD "expect: tsl\n", fp) >= 0);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(scenario_load(path, &scn, &err), -1);
	assert_null(scn);
	assert_true(str_has_prefix(err.msg, path));
	assert_non_null(strstr(err.msg, ".yaml:5:9: expect: bad value"));

	/* more than 1 MiB: located at the first byte past the bound */
	n = 1024 * 1024 + 10;
	big = xmalloc(n);
	memset(big, '#', n);
	assert_non_null(fp = fopen(path, "w"));
	assert_int_equal(fwrite(big, 1, n, fp), n);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(scenario_load(path, &scn, &err), -1);
	assert_int_equal(str_fmt(want, sizeof(want), "%s:1:1048577: file "
	    "larger than 1048576 bytes", path), 0);
	assert_string_equal(err.msg, want);
	/* ... also after lines: "#\n" pairs put byte 1048576 on line 524289 */
	for (n = 1; n < 1024 * 1024 + 10; n += 2)
		big[n] = '\n';
	assert_non_null(fp = fopen(path, "w"));
	assert_int_equal(fwrite(big, 1, n - 1, fp), n - 1);
	assert_int_equal(fclose(fp), 0);
	free(big);
	assert_int_equal(scenario_load(path, &scn, &err), -1);
	assert_int_equal(str_fmt(want, sizeof(want), "%s:524289:1: file "
	    "larger than 1048576 bytes", path), 0);
	assert_string_equal(err.msg, want);
	assert_int_equal(err.code, ERR_RANGE);

	/* a directory, and a missing file: located at 1:1 */
	assert_int_equal(scenario_load(dir, &scn, &err), -1);
	assert_int_equal(str_fmt(want, sizeof(want), "%s:1:1: not a regular "
	    "file", dir), 0);
	assert_string_equal(err.msg, want);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(scenario_load(path, &scn, &err), -1);
	assert_int_equal(err.code, ERR_NOTFOUND);
	assert_int_equal(str_fmt(want, sizeof(want), "%s:1:1: no such file",
	    path), 0);
	assert_string_equal(err.msg, want);
	assert_null(scn);

	/* a FIFO named *.yaml: refused at once, no writer needed */
	assert_int_equal(mkfifo(path, 0600), 0);
	alarm(T_ALARM);
	assert_int_equal(scenario_load(path, &scn, &err), -1);
	alarm(0);
	assert_null(scn);
	assert_int_equal(err.code, ERR_SYNTAX);
	assert_int_equal(str_fmt(want, sizeof(want), "%s:1:1: not a regular "
	    "file", path), 0);
	assert_string_equal(err.msg, want);
	assert_int_equal(unlink(path), 0);

	/* unreadable: an open error, located too (root reads anything) */
	if (geteuid() != 0) {
		t_write(path, T_HEAD "expect: tls\n");
		assert_int_equal(chmod(path, 0), 0);
		assert_int_equal(scenario_load(path, &scn, &err), -1);
		assert_int_equal(err.code, ERR_SYS);
		assert_int_equal(str_fmt(want, sizeof(want), "%s:1:1: open: ",
		    path), 0);
		assert_true(str_has_prefix(err.msg, want));
		assert_int_equal(unlink(path), 0);
	}
	assert_int_equal(rmdir(dir), 0);
}

/* t_write - text into a new file at path */
static void
t_write(const char *path, const char *text)
{
	FILE	*fp;

	assert_non_null(fp = fopen(path, "w"));
	assert_true(fputs(text, fp) >= 0);
	assert_int_equal(fclose(fp), 0);
}

/* t_one_line - no control byte at all: a message or a line is inert */
static bool
t_one_line(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

/*
 * test_scenario_file_names - a file name is shown escaped in every message
 * (it cannot forge a line), but kept raw in scn->file
 */
static void
test_scenario_file_names(void **state)
{
	struct scenario	*scn;
	struct err	 err;
	char		 dir[] = "/tmp/test_scenario.XXXXXX", path[128];
	char		 want[256], *longname;
	size_t		 n = SCN_PATH_MAX + 100;

	(void)state;
	/* from memory: a syntax error */
	err_clear(&err);
	assert_int_equal(scenario_load_buf(T_EVIL ".yaml", T_HEAD
	    "expect: tsl\n", strlen(T_HEAD "expect: tsl\n"), &scn, &err), -1);
	assert_true(t_one_line(err.msg));
	assert_true(str_has_prefix(err.msg, T_EVIL_SHOWN ".yaml:5:9: expect: "
	    "bad value \"tsl\""));
	/* ... and the first-step rule, and the size bound */
	assert_int_equal(scenario_load_buf(T_EVIL ".yaml", T_HEAD
	    "expect: none\n", strlen(T_HEAD "expect: none\n"), &scn, &err),
	    -1);
	assert_true(t_one_line(err.msg));
	assert_true(str_has_prefix(err.msg, T_EVIL_SHOWN ".yaml:5:9: step "
	    "1: "));

	/* a good file keeps its raw name */
	assert_int_equal(scenario_load_buf(T_EVIL ".yaml", T_HEAD
	    "expect: tls\n", strlen(T_HEAD "expect: tls\n"), &scn, &err), 0);
	assert_string_equal(scn->file, T_EVIL ".yaml");
	scenario_free(scn);

	/* on disk: a bad value, a missing file, a FIFO */
	assert_non_null(mkdtemp(dir));
	assert_int_equal(str_fmt(path, sizeof(path), "%s/" T_EVIL ".yaml",
	    dir), 0);
	t_write(path, T_HEAD "expect: tsl\n");
	assert_int_equal(scenario_load(path, &scn, &err), -1);
	assert_true(t_one_line(err.msg));
	assert_int_equal(str_fmt(want, sizeof(want), "%s/" T_EVIL_SHOWN
	    ".yaml:5:9: expect: bad value", dir), 0);
	assert_true(str_has_prefix(err.msg, want));
	assert_int_equal(unlink(path), 0);
	assert_int_equal(scenario_load(path, &scn, &err), -1);
	assert_true(t_one_line(err.msg));
	assert_int_equal(str_fmt(want, sizeof(want), "%s/" T_EVIL_SHOWN
	    ".yaml:1:1: no such file", dir), 0);
	assert_string_equal(err.msg, want);
	assert_int_equal(mkfifo(path, 0600), 0);
	alarm(T_ALARM);
	assert_int_equal(scenario_load(path, &scn, &err), -1);
	alarm(0);
	assert_true(t_one_line(err.msg));
	assert_int_equal(str_fmt(want, sizeof(want), "%s/" T_EVIL_SHOWN
	    ".yaml:1:1: not a regular file", dir), 0);
	assert_string_equal(err.msg, want);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);

	/* a file name over the bound: located, escaped and cut */
	longname = xmalloc(n + 1);
	memset(longname, 'a', n);
	longname[0] = '\n';
	longname[n] = '\0';
	assert_int_equal(scenario_load_buf(longname, "", 0, &scn, &err), -1);
	assert_null(scn);
	assert_true(t_one_line(err.msg));
	assert_true(str_has_prefix(err.msg, "\\x0aaaa"));
	assert_non_null(strstr(err.msg, "...:1:1: file name longer than 1023 "
	    "bytes"));
	assert_true(strlen(err.msg) < 128);
	free(longname);
}

/*
 * test_scenario_catalog - the walk: a FIFO, hostile names and a duplicate
 * id give one located, escaped line each, and nothing hangs
 */
static void
test_scenario_catalog(void **state)
{
	struct catalog	 cat;
	char		 dir[] = "/tmp/test_scenario.XXXXXX", path[128];
	char		 want[512], *out = NULL, *line, *nl;
	char		*paths[2];
	size_t		 outlen = 0, nlines = 0;
	FILE		*errfp;

	(void)state;
	assert_non_null(mkdtemp(dir));
	/* a good file, its duplicate under an evil name, and a FIFO */
	assert_int_equal(str_fmt(path, sizeof(path), "%s/a.yaml", dir), 0);
	t_write(path, T_HEAD "expect: tls\n");
	assert_int_equal(str_fmt(path, sizeof(path), "%s/b" T_EVIL ".yaml",
	    dir), 0);
	t_write(path, T_HEAD "expect: tls\n");
	assert_int_equal(str_fmt(path, sizeof(path), "%s/c" T_EVIL ".yaml",
	    dir), 0);
	assert_int_equal(mkfifo(path, 0600), 0);

	paths[0] = dir;
	assert_int_equal(str_fmt(path, sizeof(path), "%s/nosuch" T_EVIL,
	    dir), 0);
	paths[1] = path;
	assert_non_null(errfp = open_memstream(&out, &outlen));
	alarm(T_ALARM);
	assert_int_equal(catalog_load(&cat, paths, 2, errfp), -1);
	alarm(0);
	assert_int_equal(fclose(errfp), 0);
	assert_int_equal(cat.n, 0);

	/* every line is inert and starts with the (escaped) directory */
	for (line = out; *line != '\0'; line = nl + 1) {
		assert_non_null(nl = strchr(line, '\n'));
		*nl = '\0';
		assert_true(t_one_line(line));
		assert_true(str_has_prefix(line, dir));
		nlines++;
	}
	assert_int_equal(nlines, 3);
	line = out;
	assert_int_equal(str_fmt(want, sizeof(want), "%s/nosuch" T_EVIL_SHOWN
	    ":1:1: No such file or directory", dir), 0);
	assert_string_equal(line, want);
	line += strlen(line) + 1;
	assert_int_equal(str_fmt(want, sizeof(want), "%s/b" T_EVIL_SHOWN
	    ".yaml: duplicate scenario id \"t\" (also in %s/a.yaml)", dir,
	    dir), 0);
	assert_string_equal(line, want);
	line += strlen(line) + 1;
	assert_int_equal(str_fmt(want, sizeof(want), "%s/c" T_EVIL_SHOWN
	    ".yaml:1:1: not a regular file", dir), 0);
	assert_string_equal(line, want);
	free(out);

	assert_int_equal(str_fmt(path, sizeof(path), "%s/a.yaml", dir), 0);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(str_fmt(path, sizeof(path), "%s/b" T_EVIL ".yaml",
	    dir), 0);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(str_fmt(path, sizeof(path), "%s/c" T_EVIL ".yaml",
	    dir), 0);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
}

static int
t_walk_add(const char *path, const struct stat *sb, int flag)
{
	(void)sb;
	if (flag == FTW_F && str_has_suffix_ci(path, ".yaml") &&
	    t_walk->n < T_FILES_MAX)
		t_walk->paths[t_walk->n++] = xstrdup(path);
	return 0;
}

/*
 * test_scenario_shipped_files - every scenarios/ file loads, its id is its
 * file name and ids are unique (each names its own .test domain)
 */
static void
test_scenario_shipped_files(void **state)
{
	static const char *const roots[] = {
		"scenarios", "../scenarios", "../../scenarios", NULL
	};
	struct file_walk	 walk;
	struct scenario		*scn[T_FILES_MAX];
	struct err		 err;
	const char		*base;
	char			 want[SCN_PATH_MAX];
	size_t			 i, j;
	int			 r;

	(void)state;
	memset(&walk, 0, sizeof(walk));
	t_walk = &walk;
	for (r = 0; roots[r] != NULL; r++)
		if (access(roots[r], R_OK) == 0)
			break;
	if (roots[r] == NULL)
		skip();
	assert_int_equal(ftw(roots[r], t_walk_add, 16), 0);
	assert_true(walk.n >= 7);
	for (i = 0; i < walk.n; i++) {
		if (scenario_load(walk.paths[i], &scn[i], &err) == -1)
			fail_msg("%s", err.msg);
		base = strrchr(walk.paths[i], '/') + 1;
		assert_int_equal(str_fmt(want, sizeof(want), "%s.yaml",
		    scn[i]->id), 0);
		if (strcmp(base, want) != 0)
			fail_msg("%s: id \"%s\" differs from the file name",
			    walk.paths[i], scn[i]->id);
		for (j = 0; j < i; j++)
			if (strcmp(scn[j]->id, scn[i]->id) == 0)
				fail_msg("%s: id also used by %s",
				    walk.paths[i], walk.paths[j]);
	}
	for (i = 0; i < walk.n; i++) {
		scenario_free(scn[i]);
		free(walk.paths[i]);
	}
	t_walk = NULL;
}

/* t_documented - docs has a table line "| `name` |" (then text, if given) */
static bool
t_documented(const char *docs, const char *name, const char *text)
{
	char	want[256];

	if (str_fmt(want, sizeof(want), "\n| `%s` | %s", name,
	    text != NULL ? text : "") == -1)
		return false;
	return strstr(docs, want) != NULL;
}

/*
 * test_scenario_documented - every row of the tables the schema reads
 * (faults, STARTTLS behaviours, certificate profiles, host and
 * expectation keys) has its line in docs/scenario-format.md
 */
static void
test_scenario_documented(void **state)
{
	static const char *const paths[] = {
		"docs/scenario-format.md", "../docs/scenario-format.md",
		"../../docs/scenario-format.md", NULL
	};
	static ytree_names_fn *const vocab[] = {
		dns_fault_name, mx_starttls_name, cert_profile_name,
		policy_serve_name, policy_sni_name, tls_versions_name,
		tls_versions_name, mx_sni_name, mx_fail_verb_name, NULL
	};
	const struct scn_fields	*tables[2];
	const char		*name;
	struct err		 err;
	char			*docs;
	size_t			 len, i, j;
	int			 p;

	(void)state;
	for (p = 0; paths[p] != NULL; p++)
		if (access(paths[p], R_OK) == 0)
			break;
	if (paths[p] == NULL)
		skip();
	assert_int_equal(file_read(paths[p], 1024 * 1024, &docs, &len, &err),
	    0);
	for (i = 0; vocab[i] != NULL; i++)
		for (j = 0; (name = vocab[i](j)) != NULL; j++)
			if (!t_documented(docs, name, NULL))
				fail_msg("%s: no line \"| `%s` |\"", paths[p],
				    name);
	tables[0] = scn_host_fields();
	tables[1] = scn_expect_fields();
	for (i = 0; i < 2; i++)
		for (j = 0; j < tables[i]->n; j++)
			if (!t_documented(docs, tables[i]->rows[j].key,
			    i == 1 ? tables[i]->rows[j].doc : NULL))
				fail_msg("%s: no line \"| `%s` | %s\"",
				    paths[p], tables[i]->rows[j].key,
				    i == 1 ? tables[i]->rows[j].doc : "");
	free(docs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scenario_load_table),
		cmocka_unit_test(test_scenario_deep_nesting),
		cmocka_unit_test(test_scenario_oversized),
		cmocka_unit_test(test_scenario_w0_defaults),
		cmocka_unit_test(test_scenario_world_replace),
		cmocka_unit_test(test_scenario_validators_overlay),
		cmocka_unit_test(test_scenario_overlay),
		cmocka_unit_test(test_scenario_overlay_policy),
		cmocka_unit_test(test_scenario_raw_body),
		cmocka_unit_test(test_scenario_mx_names),
		cmocka_unit_test(test_scenario_steps),
		cmocka_unit_test(test_scenario_expand),
		cmocka_unit_test(test_scenario_expand_args),
		cmocka_unit_test(test_scenario_host_octet),
		cmocka_unit_test(test_scenario_strings),
		cmocka_unit_test(test_scenario_load_file),
		cmocka_unit_test(test_scenario_file_names),
		cmocka_unit_test(test_scenario_catalog),
		cmocka_unit_test(test_scenario_shipped_files),
		cmocka_unit_test(test_scenario_documented),
	};

	return cmocka_run_group_tests_name("scenario", tests, NULL, NULL);
}
