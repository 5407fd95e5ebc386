#include <string.h>

#include "common/status.h"

static const char *const status_names[STATUS_COUNT] = {
	[STATUS_STOPPED] = "stopped",
	[STATUS_STARTING] = "starting",
	[STATUS_SCAN_QR_CODE] = "scan_qr_code",
	[STATUS_WORKING] = "working",
	[STATUS_FAILED] = "failed",
	[STATUS_LOGGED_OUT] = "logged_out",
};

const char *
status_name(enum status st)
{
	return st < STATUS_COUNT ? status_names[st] : status_names[STATUS_FAILED];
}

int
status_parse(const char *s, size_t len)
{
	int i;

	for (i = 0; i < STATUS_COUNT; i++)
		if (strlen(status_names[i]) == len && memcmp(status_names[i], s, len) == 0)
			return i;
	return -1;
}
