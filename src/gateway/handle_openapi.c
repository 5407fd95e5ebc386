/* GET /api/v1/openapi.yaml: docs/openapi.yaml, built into the program. */
#include "gateway/handle.h"
#include "gateway/response.h"

int
handle_openapi(struct response *r)
{
	/* RFC 9512: the media type of YAML. */
	response_static(r, 200, "application/yaml", handle_openapi_doc,
	    handle_openapi_doc_len);
	return 0;
}
