#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "common/http_get.h"

struct http_get_state {
	char		*buf;
	size_t		 len, max;
	int		 too_big;
	long		 max_age;	/* -1: none seen */
};

static size_t
http_get_write(char *data, size_t size, size_t nmemb, void *arg)
{
	struct http_get_state *b = arg;
	size_t n = size * nmemb;

	if (n > b->max - b->len) {
		b->too_big = 1;
		return 0;	/* makes curl fail with CURLE_WRITE_ERROR */
	}
	memcpy(b->buf + b->len, data, n);
	b->len += n;
	return n;
}

/* RFC 9111 section 5.2: Cache-Control directives, comma separated. */
static void
http_get_cache_control(struct http_get_state *b, const char *v, size_t len)
{
	size_t i = 0, start;
	long age;

	while (i < len) {
		while (i < len && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
			i++;
		start = i;
		while (i < len && v[i] != ',')
			i++;
		if (i - start >= 8 && strncasecmp(v + start, "max-age=", 8) == 0) {
			size_t j = start + 8;
			int quoted = j < i && v[j] == '"';

			j += (size_t)quoted;
			age = 0;
			if (j >= i || v[j] < '0' || v[j] > '9')
				continue;
			for (; j < i && v[j] >= '0' && v[j] <= '9'; j++)
				if (age < HTTP_GET_AGE_CAP)
					age = age * 10 + (v[j] - '0');
			b->max_age = age < HTTP_GET_AGE_CAP ? age : HTTP_GET_AGE_CAP;
		} else if ((i - start >= 8 && strncasecmp(v + start, "no-store", 8) == 0) ||
		    (i - start >= 8 && strncasecmp(v + start, "no-cache", 8) == 0))
			b->max_age = 0;
	}
}

static size_t
http_get_header(char *data, size_t size, size_t nmemb, void *arg)
{
	struct http_get_state *b = arg;
	size_t n = size * nmemb;
	static const char name[] = "cache-control:";

	/* A new response (after 100 Continue, say) starts over. */
	if (n >= 5 && strncmp(data, "HTTP/", 5) == 0)
		b->max_age = -1;
	else if (n > sizeof(name) - 1 &&
	    strncasecmp(data, name, sizeof(name) - 1) == 0)
		http_get_cache_control(b, data + sizeof(name) - 1,
		    n - (sizeof(name) - 1));
	return n;
}

int
http_get(const char *url, int timeout_ms, size_t max, struct http_body *out,
    char *err, size_t errlen)
{
	struct http_get_state b;
	char cerr[CURL_ERROR_SIZE];
	CURL *c = NULL;
	CURLcode cc;
	long status = 0;
	int rc = -1;

	memset(&b, 0, sizeof(b));
	b.max = max;
	b.max_age = -1;
	cerr[0] = '\0';
	if ((b.buf = malloc(max + 1)) == NULL || (c = curl_easy_init()) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	if (curl_easy_setopt(c, CURLOPT_URL, url) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https,http") != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)timeout_ms) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)timeout_ms) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)max) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_USERAGENT, "wagw/" PACKAGE_VERSION) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, http_get_write) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, http_get_header) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_HEADERDATA, &b) != CURLE_OK) {
		snprintf(err, errlen, "%s: cannot set up libcurl", url);
		goto out;
	}
	cc = curl_easy_perform(c);
	if (b.too_big || cc == CURLE_FILESIZE_EXCEEDED) {
		snprintf(err, errlen, "%s: response larger than %zu bytes", url, max);
		goto out;
	}
	if (cc != CURLE_OK) {
		snprintf(err, errlen, "%s: %s", url,
		    cerr[0] ? cerr : curl_easy_strerror(cc));
		goto out;
	}
	if (curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status) != CURLE_OK ||
	    status != 200) {
		snprintf(err, errlen, "%s: HTTP status %ld", url, status);
		goto out;
	}
	b.buf[b.len] = '\0';
	out->buf = b.buf;
	out->len = b.len;
	out->max_age_s = b.max_age;
	b.buf = NULL;
	rc = 0;
out:
	if (c != NULL)
		curl_easy_cleanup(c);
	free(b.buf);
	return rc;
}
