#include "common/config.h"
#include "gateway/cors.h"
#include "gateway/request.h"
#include "gateway/response.h"

void
cors_apply(const struct config *cfg, const struct request *req,
    struct response *r)
{
	if (cfg->cors_origins_n == 0)
		return;
	r->cors_vary = 1;
	if (req->origin.value == NULL ||
	    !config_cors_allowed(cfg, req->origin.value, req->origin.len))
		return;
	r->cors_origin = req->origin.value;
	r->cors_origin_len = req->origin.len;
	r->cors_preflight = req->method == REQUEST_OPTIONS;
}
