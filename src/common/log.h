/*
 * log: one line per event on stderr, in the style of OpenBSD daemons.
 * log_warn appends strerror(errno); the others do not.  Client-supplied
 * text must go through log_sanitize first so it cannot forge log lines.
 * Never pass a token, key or secret to these functions.
 */
#ifndef WAGW_LOG_H
#define WAGW_LOG_H

#include <stddef.h>

enum log_level { LOG_LEVEL_WARN, LOG_LEVEL_INFO, LOG_LEVEL_DEBUG };

/* Sets the program name shown in every line and the most verbose level. */
void log_init(const char *progname, enum log_level level);

/*
 * Starts every line with the time, UTC with milliseconds
 * ("2024-06-29T12:00:00.123Z"), so that lines in a web server's error
 * log (which adds none to its programs' stderr) can be put in order and
 * next to the access log.  Not when stderr is the systemd journal
 * ($JOURNAL_STREAM names its device and inode), which dates each line.
 */
void log_timestamps(void);

void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Copies at most len bytes of src into dst (size dstlen, always
 * NUL-terminated), replacing control characters and bytes >= 0x7f with
 * '?' and truncating with "..." when it does not fit.  Returns dst.
 */
char *log_sanitize(char *dst, size_t dstlen, const char *src, size_t len);

#endif
