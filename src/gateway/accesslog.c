#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/log.h"
#include "gateway/accesslog.h"
#include "gateway/request.h"
#include "gateway/response.h"

void
accesslog_write(const struct request *req, const struct response *r,
    const struct auth_principal *p, int64_t duration_us)
{
	char method[16], path[256], who[STORE_ID_MAX + 96];

	log_sanitize(method, sizeof(method), req->method_name,
	    strlen(req->method_name));
	if (req->path_too_long)
		snprintf(path, sizeof(path), "(path too long)");
	else if (req->path_invalid)
		snprintf(path, sizeof(path), "(path with %%2F, %%00 or a broken escape)");
	else
		log_sanitize(path, sizeof(path), req->path, req->path_len);
	/* Who called: organization and subject, never the credential. */
	if (p->kind == AUTH_KIND_NONE)
		snprintf(who, sizeof(who), "-");
	else {
		char sub[sizeof(p->subject)];

		log_sanitize(sub, sizeof(sub), p->subject, strlen(p->subject));
		snprintf(who, sizeof(who), "%s/%s", p->org[0] ? p->org : "*", sub);
	}
	log_info("%s %s %s %d %" PRId64 "us %s", req->id, method, path,
	    r->status, duration_us, who);
	if (r->status < 400)
		return;
	if (r->status >= 500)
		log_warnx("%s error %d %s: %s%s%s", req->id, r->status,
		    r->code ? r->code : "-", r->message ? r->message : "",
		    r->detail[0] ? "; " : "", r->detail);
	else
		log_info("%s error %d %s: %s%s%s", req->id, r->status,
		    r->code ? r->code : "-", r->message ? r->message : "",
		    r->detail[0] ? "; " : "", r->detail);
}
