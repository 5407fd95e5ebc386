#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/log.h"

static const char *log_progname = "wagw";
static enum log_level log_max = LOG_LEVEL_INFO;

void
log_init(const char *progname, enum log_level level)
{
	log_progname = progname;
	log_max = level;
}

static void log_vemit(enum log_level, const char *, int, const char *, va_list)
    __attribute__((format(printf, 4, 0)));

static void
log_vemit(enum log_level level, const char *tag, int errnum,
    const char *fmt, va_list ap)
{
	char line[2048];
	int n;

	if (level > log_max)
		return;
	n = vsnprintf(line, sizeof(line), fmt, ap);
	if (n < 0)
		return;
	/* One fprintf per line keeps concurrent writers' lines whole. */
	if (errnum)
		fprintf(stderr, "%s: %s%s: %s\n", log_progname, tag, line,
		    strerror(errnum));
	else
		fprintf(stderr, "%s: %s%s\n", log_progname, tag, line);
}

void
log_warn(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	log_vemit(LOG_LEVEL_WARN, "", saved, fmt, ap);
	va_end(ap);
	errno = saved;
}

void
log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vemit(LOG_LEVEL_WARN, "", 0, fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vemit(LOG_LEVEL_INFO, "", 0, fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vemit(LOG_LEVEL_DEBUG, "debug: ", 0, fmt, ap);
	va_end(ap);
}

char *
log_sanitize(char *dst, size_t dstlen, const char *src, size_t len)
{
	size_t i, o = 0;

	if (dstlen == 0)
		return dst;
	for (i = 0; i < len && o + 1 < dstlen; i++) {
		unsigned char c = (unsigned char)src[i];

		dst[o++] = (c < 0x20 || c >= 0x7f) ? '?' : (char)c;
	}
	if (i < len && dstlen >= 4) {
		o = o > dstlen - 4 ? dstlen - 4 : o;
		memcpy(dst + o, "...", 3);
		o += 3;
	}
	dst[o] = '\0';
	return dst;
}
