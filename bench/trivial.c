/*
 * trivial: the benchmark's baseline.  A libfcgi responder that answers
 * every request with the same small JSON body, so the benchmark can tell
 * the web server's and FastCGI's own cost from wagw.fcgi's.  It does no
 * routing, no parsing and no I/O beyond FastCGI.
 */
#include <fcgiapp.h>

static const char trivial_body[] =
    "{\"data\":[{\"lid\":\"205227043110953@lid\",\"source\":\"dm\","
    "\"name\":\"Alice\",\"phoneNumber\":\"6281234567890\"}],"
    "\"nextCursor\":\"\"}";

int
main(void)
{
	FCGX_Request req;

	if (FCGX_Init() != 0 || FCGX_InitRequest(&req, 0, 0) != 0)
		return 1;
	while (FCGX_Accept_r(&req) >= 0) {
		FCGX_FPrintF(req.out,
		    "Status: 200 OK\r\n"
		    "Content-Type: application/json\r\n"
		    "Content-Length: %u\r\n\r\n",
		    (unsigned)(sizeof(trivial_body) - 1));
		FCGX_PutStr(trivial_body, (int)sizeof(trivial_body) - 1, req.out);
		FCGX_Finish_r(&req);
	}
	return 0;
}
