#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/jwks.h"
#include "auth/jwks_fetch.h"
#include "common/file.h"
#include "common/http_get.h"

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
	struct http_body b = { NULL, 0, -1 };
	struct jwks *set = NULL;
	char perr[256];
	enum jwks_fetch_rc rc = JWKS_FETCH_ERROR;

	*max_age_s = JWKS_FETCH_AGE_MIN;
	if (http_get(url, timeout_ms, JWKS_FETCH_BODY_MAX, &b, err, errlen) == -1)
		goto out;
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
		*max_age_s = jwks_fetch_clamp(b.max_age_s);
out:
	jwks_free(set);
	free(b.buf);
	return rc;
}
