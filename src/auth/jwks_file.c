#include <sys/stat.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "auth/jwks_file.h"
#include "common/file.h"
#include "common/log.h"

struct jwks_stamp {
	dev_t		 dev;
	ino_t		 ino;
	off_t		 size;
	struct timespec	 mtime;
	int		 err;		/* errno of a failed stat, else 0 */
};

struct jwks_file {
	char		*path;
	struct jwks	*keys;
	int		 checked;	/* a check ever ran */
	int64_t		 last_check_ms;
	struct jwks_stamp seen;		/* the file as last looked at */
};

struct jwks_file *
jwks_file_new(const char *path)
{
	struct jwks_file *jf;

	if ((jf = calloc(1, sizeof(*jf))) == NULL)
		return NULL;
	if ((jf->path = strdup(path)) == NULL) {
		free(jf);
		return NULL;
	}
	return jf;
}

void
jwks_file_free(struct jwks_file *jf)
{
	if (jf == NULL)
		return;
	jwks_free(jf->keys);
	free(jf->path);
	free(jf);
}

static int
jwks_stamp_eq(const struct jwks_stamp *a, const struct jwks_stamp *b)
{
	return a->err == b->err && a->dev == b->dev && a->ino == b->ino &&
	    a->size == b->size && a->mtime.tv_sec == b->mtime.tv_sec &&
	    a->mtime.tv_nsec == b->mtime.tv_nsec;
}

/* Re-reads the file; keeps the current keys unless the new set is usable. */
static int
jwks_file_reload(struct jwks_file *jf)
{
	struct jwks *set;
	char err[256], *buf;
	long len;

	if ((len = file_read(jf->path, JWKS_FILE_MAX, &buf)) == -1) {
		log_warn("jwks %s: cannot read, %s", jf->path,
		    jf->keys ? "keeping the current keys" : "no JWT keys loaded");
		return 0;
	}
	set = jwks_parse(buf, (size_t)len, jf->path, err, sizeof(err));
	free(buf);
	if (set == NULL || set->n == 0) {
		log_warnx("jwks %s: %s, %s", jf->path,
		    set ? "no usable key" : err,
		    jf->keys ? "keeping the current keys" : "no JWT keys loaded");
		jwks_free(set);
		return 0;
	}
	log_info("jwks %s: %zu key%s loaded", jf->path, set->n,
	    set->n == 1 ? "" : "s");
	jwks_free(jf->keys);
	jf->keys = set;
	return 1;
}

const struct jwks *
jwks_file_keys(struct jwks_file *jf, int64_t now_ms, int *changed)
{
	struct jwks_stamp st;
	struct stat sb;

	if (changed != NULL)
		*changed = 0;
	if (jf->checked && now_ms >= jf->last_check_ms &&
	    now_ms - jf->last_check_ms < JWKS_FILE_CHECK_MS)
		return jf->keys;
	jf->last_check_ms = now_ms;
	memset(&st, 0, sizeof(st));
	if (stat(jf->path, &sb) == -1)
		st.err = errno ? errno : ENOENT;
	else {
		st.dev = sb.st_dev;
		st.ino = sb.st_ino;
		st.size = sb.st_size;
		st.mtime = sb.st_mtim;
	}
	if (jf->checked && jwks_stamp_eq(&st, &jf->seen))
		return jf->keys;
	jf->checked = 1;
	jf->seen = st;
	if (st.err != 0) {
		errno = st.err;
		log_warn("jwks %s: %s", jf->path,
		    jf->keys ? "keeping the current keys" : "no JWT keys loaded");
		return jf->keys;
	}
	if (jwks_file_reload(jf) && changed != NULL)
		*changed = 1;
	return jf->keys;
}
