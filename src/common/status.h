/*
 * status: a session's state, as the API shows it (WASession.status) and
 * the store keeps it.  The names are the API's and never change.
 */
#ifndef WAGW_STATUS_H
#define WAGW_STATUS_H

#include <stddef.h>

enum status {
	STATUS_STOPPED,		/* not running; paired or not */
	STATUS_STARTING,	/* connecting with credentials, or preparing to pair */
	STATUS_SCAN_QR_CODE,	/* pairing: a QR or a phone code is waiting */
	STATUS_WORKING,		/* connected */
	STATUS_FAILED,		/* gave up; a reason says why */
	STATUS_LOGGED_OUT,	/* unpaired; stored contacts are kept */
	STATUS_COUNT
};

/* "stopped", "starting", ... (static). */
const char *status_name(enum status st);
/* The status named by len bytes of s; -1 when none is. */
int status_parse(const char *s, size_t len);

#endif
