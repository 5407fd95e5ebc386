#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/file.h"

long
file_read(const char *path, size_t max, char **out)
{
	struct stat st;
	char *buf = NULL;
	size_t len = 0, cap;
	ssize_t n;
	int fd, saved;

	*out = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	if (fstat(fd, &st) == -1)
		goto fail;
	if (!S_ISREG(st.st_mode)) {
		errno = EINVAL;
		goto fail;
	}
	/* Sized from st_size, but read to the end: the file may change. */
	cap = (size_t)st.st_size < max ? (size_t)st.st_size + 1 : max + 1;
	if (cap < 4096 && max >= 4096)
		cap = 4096;
	if ((buf = malloc(cap)) == NULL)
		goto fail;
	for (;;) {
		if (len == cap) {
			size_t ncap = cap > (max + 1) / 2 ? max + 1 : cap * 2;
			char *nb;

			if ((nb = realloc(buf, ncap)) == NULL)
				goto fail;
			buf = nb;
			cap = ncap;
		}
		n = read(fd, buf + len, cap - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			goto fail;
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > max) {
			errno = EFBIG;
			goto fail;
		}
	}
	close(fd);
	buf[len] = '\0';
	*out = buf;
	return (long)len;
fail:
	saved = errno;
	free(buf);
	close(fd);
	errno = saved;
	return -1;
}

const char *
file_strerror(int errnum, size_t max, char *buf, size_t len)
{
	if (errnum == EINVAL)
		snprintf(buf, len, "not a regular file");
	else if (errnum == EFBIG)
		snprintf(buf, len, "larger than %zu bytes", max);
	else
		snprintf(buf, len, "%s", strerror(errnum));
	return buf;
}
