/* SPDX-License-Identifier: ISC */
/*
 * sts_record.c -- parse and select the _mta-sts TXT record (RFC 8461
 * §3.1). Strict to the ABNF: v=STSv1 first, an id of 1-32 letters or
 * digits, extension fields checked and ignored. Owns nothing; no I/O.
 */
#include <stdbool.h>
#include <string.h>

#include "../../common/log.h"
#include "sts_record.h"

static bool	sts_record_is_alnum(char);
static bool	sts_record_is_wsp(char);
static bool	sts_record_is_ext_value_char(char);
static int	sts_record_field(const char *, size_t, size_t *,
		    struct sts_record *, bool *, struct err *);
static bool	sts_record_names_version(const char *, size_t);
static void	sts_record_sloppy_id(const char *, size_t, struct sts_record *);

#define STS_RECORD_VERSION	"v=STSv1"

static bool
sts_record_is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

static bool
sts_record_is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

/* RFC 8461 §3.1: sts-ext-value = 1*(%x21-3A / %x3C / %x3E-7E) */
static bool
sts_record_is_ext_value_char(char c)
{
	unsigned char	u = (unsigned char)c;

	return (u >= 0x21 && u <= 0x3a) || u == 0x3c ||
	    (u >= 0x3e && u <= 0x7e);
}

bool
sts_record_is_sts(const char *txt, size_t len)
{
	size_t	plen = strlen(STS_RECORD_PREFIX);

	return len >= plen && memcmp(txt, STS_RECORD_PREFIX, plen) == 0;
}

/*
 * sts_record_field - parse one sts-field at txt[*pos]: either
 * id=1*32(ALPHA/DIGIT) or an extension name=value. Advances *pos.
 */
static int
sts_record_field(const char *txt, size_t len, size_t *pos,
    struct sts_record *rec, bool *have_id, struct err *err)
{
	size_t	i = *pos, name, nlen, val, vlen;

	name = i;
	if (i >= len || !sts_record_is_alnum(txt[i]))
		return err_set(err, ERR_SYNTAX,
		    "sts record: field must start with a letter or digit "
		    "at offset %zu", i);
	while (i < len && (sts_record_is_alnum(txt[i]) || txt[i] == '_' ||
	    txt[i] == '-' || txt[i] == '.'))
		i++;
	nlen = i - name;
	if (i >= len || txt[i] != '=')
		return err_set(err, ERR_SYNTAX,
		    "sts record: field at offset %zu lacks '='", name);
	i++;
	val = i;
	if (nlen == 2 && memcmp(txt + name, "id", 2) == 0) {
		while (i < len && sts_record_is_alnum(txt[i]))
			i++;
		vlen = i - val;
		if (vlen == 0)
			return err_set(err, ERR_SYNTAX, "sts record: empty id");
		if (vlen > STS_RECORD_ID_MAX)
			return err_set(err, ERR_RANGE,
			    "sts record: id longer than %d characters",
			    STS_RECORD_ID_MAX);
		/* RFC 8461 §3.1: only the first occurrence counts */
		if (!*have_id) {
			memcpy(rec->id, txt + val, vlen);
			rec->id[vlen] = '\0';
			*have_id = true;
		}
	} else {
		if (nlen > STS_RECORD_EXT_NAME_MAX)
			return err_set(err, ERR_RANGE,
			    "sts record: extension name longer than %d",
			    STS_RECORD_EXT_NAME_MAX);
		while (i < len && sts_record_is_ext_value_char(txt[i]))
			i++;
		if (i == val)
			return err_set(err, ERR_SYNTAX,
			    "sts record: empty extension value at offset %zu",
			    val);
	}
	*pos = i;
	return 0;
}

/* sts_record_parse - sts-version 1*(delim field) [delim], strictly */
int
sts_record_parse(const char *txt, size_t len, struct sts_record *rec,
    struct err *err)
{
	size_t	i, ws, vlen = strlen(STS_RECORD_VERSION), nfields = 0;
	bool	have_id = false;

	memset(rec, 0, sizeof(*rec));
	if (memchr(txt, '\0', len) != NULL)
		return err_set(err, ERR_SYNTAX, "sts record: NUL byte");
	if (len < vlen || memcmp(txt, STS_RECORD_VERSION, vlen) != 0)
		return err_set(err, ERR_SYNTAX,
		    "sts record: does not start with %s", STS_RECORD_VERSION);
	i = vlen;
	for (;;) {
		/* sts-field-delim = *WSP ";" *WSP */
		ws = i;
		while (i < len && sts_record_is_wsp(txt[i]))
			i++;
		if (i == len && ws != i)
			return err_set(err, ERR_SYNTAX,
			    "sts record: trailing blank without ';'");
		if (i == len)
			break;
		if (txt[i] != ';')
			return err_set(err, ERR_SYNTAX,
			    "sts record: expected ';' at offset %zu", i);
		i++;
		while (i < len && sts_record_is_wsp(txt[i]))
			i++;
		if (i == len)
			break;		/* the optional trailing delimiter */
		if (sts_record_field(txt, len, &i, rec, &have_id, err) == -1)
			return -1;
		nfields++;
	}
	if (nfields == 0 || !have_id)
		return err_set(err, ERR_SYNTAX, "sts record: no id field");
	return 0;
}

enum sts_record_status
sts_record_select(const char *const *txt, const size_t *len, size_t n,
    struct sts_record *out, struct err *err)
{
	return sts_record_select_flags(txt, len, n, 0, out, err);
}

enum sts_record_status
sts_record_select_flags(const char *const *txt, const size_t *len, size_t n,
    unsigned int flags, struct sts_record *out, struct err *err)
{
	size_t	i, found = 0, which = 0;

	for (i = 0; i < n; i++) {
		if (!sts_record_is_sts(txt[i], len[i]) &&
		    !(flags & STS_RECORD_COUNT_ALL) &&	/* the mutant */
		    !((flags & STS_RECORD_ANY_ORDER) &&	/* the mutant */
		    sts_record_names_version(txt[i], len[i])))
			continue;	/* RFC 8461 §3.1: discard */
		found++;
		if (found == 1 || !(flags & STS_RECORD_FIRST_STS))
			which = i;	/* the mutant FIRST_STS keeps the 1st */
	}
	if (found > 1 && (flags & STS_RECORD_FIRST_STS))
		found = 1;		/* the mutant: no count */
	if (found == 0) {
		(void)err_set(err, ERR_NOTFOUND,
		    "sts record: no TXT RR starts with \"%s\"",
		    STS_RECORD_PREFIX);
		return STS_RECORD_NONE;
	}
	if (found > 1) {
		(void)err_set(err, ERR_PROTO,
		    "sts record: %zu STS records, exactly one allowed", found);
		return STS_RECORD_MULTIPLE;
	}
	if (sts_record_parse(txt[which], len[which], out, err) == -1) {
		if (!(flags & (STS_RECORD_LENIENT | STS_RECORD_ANY_ORDER)))
			return STS_RECORD_INVALID;
		sts_record_sloppy_id(txt[which], len[which], out);
	}
	return STS_RECORD_FOUND;
}

/* sts_record_names_version - the mutant ANY_ORDER: "v=STSv1" anywhere */
static bool
sts_record_names_version(const char *txt, size_t len)
{
	size_t	vlen = strlen(STS_RECORD_VERSION), i;

	for (i = 0; i + vlen <= len; i++)
		if (memcmp(txt + i, STS_RECORD_VERSION, vlen) == 0)
			return true;
	return false;
}

/*
 * sts_record_sloppy_id - the mutants LENIENT and ANY_ORDER: whatever
 * letters and digits follow the first "id=" (at most the id's bound),
 * or "0" when there are none; the record counts as valid.
 */
static void
sts_record_sloppy_id(const char *txt, size_t len, struct sts_record *rec)
{
	size_t	i, n = 0;

	memset(rec, 0, sizeof(*rec));
	for (i = 0; i + 3 <= len; i++)
		if (memcmp(txt + i, "id=", 3) == 0)
			break;
	for (i += 3; i < len && n < STS_RECORD_ID_MAX &&
	    sts_record_is_alnum(txt[i]); i++)
		rec->id[n++] = txt[i];
	if (n == 0)
		rec->id[n++] = '0';
	rec->id[n] = '\0';
}

const char *
sts_record_status_str(enum sts_record_status st)
{
	switch (st) {
	case STS_RECORD_FOUND:
		return "found";
	case STS_RECORD_NONE:
		return "none";
	case STS_RECORD_MULTIPLE:
		return "multiple";
	case STS_RECORD_INVALID:
		return "invalid";
	default:
		fatalx("sts_record_status_str: bad status %d", (int)st);
	}
}
