#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <curl/curl.h>

#include "auth/jwks.h"
#include "auth/jwks_fetch.h"
#include "common/file.h"

struct jwks_fetch_body {
	char		*buf;
	size_t		 len;
	int		 too_big;
	long		 max_age;	/* -1: none seen */
};

static size_t
jwks_fetch_write(char *data, size_t size, size_t nmemb, void *arg)
{
	struct jwks_fetch_body *b = arg;
	size_t n = size * nmemb;

	if (n > JWKS_FETCH_BODY_MAX - b->len) {
		b->too_big = 1;
		return 0;	/* makes curl fail with CURLE_WRITE_ERROR */
	}
	memcpy(b->buf + b->len, data, n);
	b->len += n;
	return n;
}

/* RFC 9111 section 5.2: Cache-Control directives, comma separated. */
static void
jwks_fetch_cache_control(struct jwks_fetch_body *b, const char *v, size_t len)
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
				if (age < JWKS_FETCH_AGE_MAX)
					age = age * 10 + (v[j] - '0');
			b->max_age = age;
		} else if ((i - start >= 8 && strncasecmp(v + start, "no-store", 8) == 0) ||
		    (i - start >= 8 && strncasecmp(v + start, "no-cache", 8) == 0))
			b->max_age = 0;
	}
}

static size_t
jwks_fetch_header(char *data, size_t size, size_t nmemb, void *arg)
{
	struct jwks_fetch_body *b = arg;
	size_t n = size * nmemb;
	static const char name[] = "cache-control:";

	/* A new response (after 100 Continue, say) starts over. */
	if (n >= 5 && strncmp(data, "HTTP/", 5) == 0)
		b->max_age = -1;
	else if (n > sizeof(name) - 1 &&
	    strncasecmp(data, name, sizeof(name) - 1) == 0)
		jwks_fetch_cache_control(b, data + sizeof(name) - 1,
		    n - (sizeof(name) - 1));
	return n;
}

/* Nonzero when path holds exactly len bytes of buf. */
static int
jwks_fetch_same(const char *path, const char *buf, size_t len)
{
	char *cur;
	long n;
	int same;

	/* A longer file is refused by the bound, so n == len decides. */
	if ((n = file_read(path, len, &cur)) == -1)
		return 0;
	same = (size_t)n == len && memcmp(cur, buf, len) == 0;
	free(cur);
	return same;
}

/* Write temp, fsync, rename, fsync the directory. */
static int
jwks_fetch_replace(const char *path, const char *buf, size_t len, char *err,
    size_t errlen)
{
	char buf_dir[PATH_MAX], tmp[PATH_MAX];
	const char *dir;
	size_t off = 0;
	ssize_t n;
	int fd = -1, dfd;

	/* The temporary file must be in the same directory for rename(2). */
	if (snprintf(buf_dir, sizeof(buf_dir), "%s", path) >= (int)sizeof(buf_dir) ||
	    snprintf(tmp, sizeof(tmp), "%s/.jwks.XXXXXX",
	    (dir = dirname(buf_dir))) >= (int)sizeof(tmp)) {
		snprintf(err, errlen, "%s: path too long", path);
		return -1;
	}
	if ((fd = mkostemp(tmp, O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	while (off < len) {
		n = write(fd, buf + off, len - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			goto fail;
		off += (size_t)n;
	}
	/* Public keys: every wagw program's user may read them. */
	if (fchmod(fd, 0644) == -1 || fsync(fd) == -1)
		goto fail;
	if (close(fd) == -1) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) == -1)
		goto fail;
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		(void)fsync(dfd);
		close(dfd);
	}
	return 0;
fail:
	snprintf(err, errlen, "%s: %s", path, strerror(errno));
	if (fd != -1)
		close(fd);
	unlink(tmp);
	return -1;
}

static int
jwks_fetch_clamp(long age)
{
	if (age < 0)
		return JWKS_FETCH_AGE_DEFAULT;
	if (age < JWKS_FETCH_AGE_MIN)
		return JWKS_FETCH_AGE_MIN;
	if (age > JWKS_FETCH_AGE_MAX)
		return JWKS_FETCH_AGE_MAX;
	return (int)age;
}

enum jwks_fetch_rc
jwks_fetch(const char *url, const char *dest_path, int timeout_ms,
    int *max_age_s, char *err, size_t errlen)
{
	struct jwks_fetch_body b;
	struct jwks *set = NULL;
	char cerr[CURL_ERROR_SIZE], perr[256];
	enum jwks_fetch_rc rc = JWKS_FETCH_ERROR;
	CURL *c = NULL;
	CURLcode cc;
	long status = 0;

	*max_age_s = JWKS_FETCH_AGE_MIN;
	memset(&b, 0, sizeof(b));
	b.max_age = -1;
	cerr[0] = '\0';
	if ((b.buf = malloc(JWKS_FETCH_BODY_MAX)) == NULL ||
	    (c = curl_easy_init()) == NULL) {
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
	    curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE,
	    (curl_off_t)JWKS_FETCH_BODY_MAX) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_USERAGENT, "wagw/" PACKAGE_VERSION) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, jwks_fetch_write) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, jwks_fetch_header) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_HEADERDATA, &b) != CURLE_OK) {
		snprintf(err, errlen, "%s: cannot set up libcurl", url);
		goto out;
	}
	cc = curl_easy_perform(c);
	if (b.too_big || cc == CURLE_FILESIZE_EXCEEDED) {
		snprintf(err, errlen, "%s: response larger than %d bytes", url,
		    JWKS_FETCH_BODY_MAX);
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
	if ((set = jwks_parse(b.buf, b.len, url, perr, sizeof(perr))) == NULL) {
		snprintf(err, errlen, "%s: %s", url, perr);
		goto out;
	}
	if (set->n == 0) {
		snprintf(err, errlen, "%s: no usable key", url);
		goto out;
	}
	if (jwks_fetch_same(dest_path, b.buf, b.len))
		rc = JWKS_FETCH_UNCHANGED;
	else if (jwks_fetch_replace(dest_path, b.buf, b.len, err, errlen) == 0)
		rc = JWKS_FETCH_REPLACED;
	if (rc != JWKS_FETCH_ERROR)
		*max_age_s = jwks_fetch_clamp(b.max_age);
out:
	jwks_free(set);
	if (c != NULL)
		curl_easy_cleanup(c);
	free(b.buf);
	return rc;
}
