#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"

static const char *log_progname = "wagw";
static enum log_level log_max = LOG_LEVEL_INFO;
static int log_stamp;

void
log_init(const char *progname, enum log_level level)
{
	log_progname = progname;
	log_max = level;
}

/* Whether stderr is the stream systemd connected to the journal. */
static int
log_stderr_is_journal(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat sb;

	if (js == NULL || sscanf(js, "%llu:%llu", &dev, &ino) != 2 ||
	    fstat(STDERR_FILENO, &sb) == -1)
		return 0;
	return (unsigned long long)sb.st_dev == dev && (unsigned long long)sb.st_ino == ino;
}

void
log_timestamps(void)
{
	log_stamp = !log_stderr_is_journal();
}

/* "YYYY-MM-DDTHH:MM:SS.mmmZ " in buf (at least 32 bytes), or "". */
static void
log_time(char *buf, size_t len)
{
	struct timespec ts;
	struct tm tm;
	size_t n;

	buf[0] = '\0';
	if (!log_stamp || clock_gettime(CLOCK_REALTIME, &ts) == -1 ||
	    gmtime_r(&ts.tv_sec, &tm) == NULL ||
	    (n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm)) == 0)
		return;
	snprintf(buf + n, len - n, ".%03ldZ ", ts.tv_nsec / 1000000);
}

static void log_vemit(enum log_level, const char *, int, const char *, va_list)
    __attribute__((format(printf, 4, 0)));

static void
log_vemit(enum log_level level, const char *tag, int errnum,
    const char *fmt, va_list ap)
{
	char line[2048], when[40];
	int n;

	if (level > log_max)
		return;
	n = vsnprintf(line, sizeof(line), fmt, ap);
	if (n < 0)
		return;
	log_time(when, sizeof(when));
	/* One fprintf per line keeps concurrent writers' lines whole. */
	if (errnum)
		fprintf(stderr, "%s%s: %s%s: %s\n", when, log_progname, tag, line,
		    strerror(errnum));
	else
		fprintf(stderr, "%s%s: %s%s\n", when, log_progname, tag, line);
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
