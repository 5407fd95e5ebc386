#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "common/credkey.h"

int
credkey_load(const char *path, unsigned char key[CREDKEY_LEN], char *err,
    size_t errlen)
{
	struct stat sb;
	ssize_t n;
	int fd, rc = -1;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1) {
		snprintf(err, errlen, "%s: cannot open the credentials key: %s%s",
		    path, strerror(errno), errno == ENOENT ?
		    " (wagw-admin init creates it)" : "");
		return -1;
	}
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		snprintf(err, errlen, "%s: the credentials key is not a regular file",
		    path);
		goto out;
	}
	if ((sb.st_mode & 077) != 0) {
		snprintf(err, errlen, "%s: the credentials key has mode %04o; it "
		    "must be readable by its owner only (chmod 0600)", path,
		    (unsigned)(sb.st_mode & 07777));
		goto out;
	}
	if (sb.st_size != CREDKEY_LEN ||
	    (n = read(fd, key, CREDKEY_LEN)) != CREDKEY_LEN) {
		snprintf(err, errlen, "%s: the credentials key must be exactly %d "
		    "bytes", path, CREDKEY_LEN);
		OPENSSL_cleanse(key, CREDKEY_LEN);
		goto out;
	}
	rc = 0;
out:
	close(fd);
	return rc;
}

int
credkey_create(const char *path, char *err, size_t errlen)
{
	unsigned char key[CREDKEY_LEN];
	char why[512];
	int fd, rc = -1;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
	    0600)) == -1) {
		if (errno == EEXIST) {
			if (credkey_load(path, key, why, sizeof(why)) == 0) {
				OPENSSL_cleanse(key, sizeof(key));
				return 1;
			}
			snprintf(err, errlen, "%s", why);
			return -1;
		}
		snprintf(err, errlen, "%s: cannot create the credentials key: %s",
		    path, strerror(errno));
		return -1;
	}
	if (RAND_bytes(key, sizeof(key)) != 1) {
		snprintf(err, errlen, "no random bytes for the credentials key");
		goto out;
	}
	if (write(fd, key, sizeof(key)) != (ssize_t)sizeof(key) || fsync(fd) == -1) {
		snprintf(err, errlen, "%s: cannot write the credentials key: %s",
		    path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	OPENSSL_cleanse(key, sizeof(key));
	close(fd);
	if (rc != 0)
		unlink(path);
	return rc;
}
