/* SPDX-License-Identifier: ISC */
/*
 * sts_record.h -- the MTA-STS TXT record at _mta-sts.<domain> (RFC 8461
 * §3.1): parsing one record and selecting the single STS record among the
 * TXT RRs of an answer. Pure: no I/O.
 */
#ifndef SUTS_REFERENCE_STS_RECORD_H
#define SUTS_REFERENCE_STS_RECORD_H

#include <stdbool.h>
#include <stddef.h>

#include "../../common/err.h"

#define STS_RECORD_ID_MAX	32	/* RFC 8461 §3.1: 1*32(ALPHA/DIGIT) */
#define STS_RECORD_EXT_NAME_MAX	32	/* RFC 8461 §3.1: sts-ext-name */
#define STS_RECORD_PREFIX	"v=STSv1;"	/* RFC 8461 §3.1 discard */

struct sts_record {
	char	id[STS_RECORD_ID_MAX + 1];
};

enum sts_record_status {
	STS_RECORD_FOUND = 0,	/* exactly one STS record, and it is valid */
	STS_RECORD_NONE,	/* no TXT RR starts with "v=STSv1;" */
	STS_RECORD_MULTIPLE,	/* more than one does: no policy (§3.1) */
	STS_RECORD_INVALID,	/* exactly one, but malformed */
};

/* sts_record_is_sts - does this TXT RR start with "v=STSv1;"? */
bool	sts_record_is_sts(const char *txt, size_t len);

/*
 * sts_record_parse - parse one TXT RR (its character-strings already
 * concatenated). len counts every byte: an embedded NUL is malformed.
 */
int	sts_record_parse(const char *txt, size_t len, struct sts_record *,
	    struct err *) MUST_CHECK;

/*
 * sts_record_select - apply the §3.1 discard rule to the n TXT RRs of one
 * answer and parse the one that must remain. out is set only on
 * STS_RECORD_FOUND; err says why otherwise (may be NULL).
 */
enum sts_record_status sts_record_select(const char *const *txt,
	    const size_t *len, size_t n, struct sts_record *out, struct err *)
	    MUST_CHECK;

/* for the --bug mutants only: a wrong way to select the record */
#define STS_RECORD_FIRST_STS	0x01u	/* the first STS RR, however many */
#define STS_RECORD_COUNT_ALL	0x02u	/* count every TXT RR, STS or not */
#define STS_RECORD_ANY_ORDER	0x04u	/* v=STSv1 may be any field */
#define STS_RECORD_LENIENT	0x08u	/* take a malformed STS record */
enum sts_record_status sts_record_select_flags(const char *const *txt,
	    const size_t *len, size_t n, unsigned int flags,
	    struct sts_record *out, struct err *) MUST_CHECK;

const char *sts_record_status_str(enum sts_record_status);

#endif
