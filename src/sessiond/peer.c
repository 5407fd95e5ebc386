/*
 * Who may use the daemon's socket.  Its mode (0660) lets in the whole
 * group, and on a shared host the group is every site's CGI and PHP; so
 * each connection's peer (SO_PEERCRED) must be root, the daemon's own
 * user or one of [sessiond] allowed_users (the responder's user).  Anyone
 * else is closed at once, and said so in the log at most once a minute
 * per user.
 */
#include <sys/socket.h>
#include <sys/types.h>

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/log.h"
#include "sessiond/daemon_impl.h"

#define PEER_LOG_EVERY_MS	60000

int
peer_init(struct daemon *d, char *err, size_t errlen)
{
	char names[CONFIG_VALUE_MAX], *tok, *save = NULL, *end;
	struct passwd *pw;
	unsigned long id;

	d->npeers = 0;
	snprintf(names, sizeof(names), "%s", d->cfg->allowed_users);
	for (tok = strtok_r(names, " ", &save); tok != NULL;
	    tok = strtok_r(NULL, " ", &save)) {
		errno = 0;
		id = strtoul(tok, &end, 10);
		if (*end == '\0' && errno == 0 && id <= (uid_t)-2)
			d->peers[d->npeers++] = (uid_t)id;
		else if ((pw = getpwnam(tok)) != NULL)
			d->peers[d->npeers++] = pw->pw_uid;
		else {
			snprintf(err, errlen, "%s: allowed_users: no user named %s",
			    d->cfg->path, tok);
			return -1;
		}
	}
	return 0;
}

/* Logs a refusal of uid, unless one was logged in the last minute. */
static void
peer_log_refusal(struct daemon *d, uid_t uid)
{
	int64_t now = clock_mono_ms();
	size_t i, oldest = 0;

	for (i = 0; i < PEER_LOGGED_MAX; i++) {
		if (d->peer_logged[i].at != 0 && d->peer_logged[i].uid == uid) {
			if (now - d->peer_logged[i].at < PEER_LOG_EVERY_MS)
				return;
			oldest = i;
			break;
		}
		if (d->peer_logged[i].at < d->peer_logged[oldest].at)
			oldest = i;
	}
	d->peer_logged[oldest].uid = uid;
	d->peer_logged[oldest].at = now;
	log_warnx("refusing connections from uid %u: not root, not the daemon's "
	    "user and not in allowed_users", (unsigned)uid);
}

int
peer_allowed(struct daemon *d, int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	size_t i;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == -1 ||
	    len != sizeof(cred)) {
		log_warn("SO_PEERCRED");
		return 0;
	}
	if (cred.uid == 0 || cred.uid == geteuid())
		return 1;
	for (i = 0; i < d->npeers; i++)
		if (d->peers[i] == cred.uid)
			return 1;
	peer_log_refusal(d, cred.uid);
	return 0;
}
