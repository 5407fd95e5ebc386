/*
 * The "whatsapp" link driver: WhatsApp Web multi-device, one connection
 * per session, all on the daemon's loop.  The protocol is wa_client's
 * (src/wa, I/O-free); this file moves its bytes: the name is resolved off
 * the loop (resolver.h), the TCP connect and the TLS handshake
 * (OpenSSL, peer and host name verified) are non-blocking, and the
 * client's deadlines are one loop timer per connection.
 *
 * What the daemon asks for (start, a check, an about, a pairing code)
 * runs on the next loop round, so that whatever wa_client reports
 * meanwhile comes from the loop and never from inside the daemon's call.
 *
 * A connection ends as wa_client says (wa_close.h): after pairing,
 * WhatsApp restarts it (515) and the driver logs in again at once; a
 * transient end is LINK_DOWN (the daemon reconnects with its back-off);
 * a permanent one is LINK_LOGGED_OUT or LINK_FAILED with the reason the
 * Sessions API shows.  A logout goes on after the daemon has let go of
 * the session: the connection lives on by itself until WhatsApp has
 * been told (remove-companion-device), then goes.
 */
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "common/clock.h"
#include "common/jid.h"
#include "common/log.h"
#include "common/store.h"
#include "common/http_get.h"
#include "sessiond/link_impl.h"
#include "sessiond/refresh.h"
#include "sessiond/resolver.h"
#include "wa/wa_client.h"
#include "wa/wa_version.h"

#define WAL_IO_CHUNK		16384
#define WAL_CODE_MS		180000	/* a phone code, as whatsmeow shows it */
#define WAL_LOGOUT_MS		30000	/* a logout's connection, at most */
#define WAL_CONNECT_MS		20000	/* resolve + TCP + TLS */
#define WAL_RESTART_QUICK_MS	10000	/* a 515 sooner than this after the last
					 * one reconnects with back-off */
/* WhatsApp Web's version from [whatsapp] version_url (sw.js). */
#define WAL_VERSION_TIMEOUT_MS	10000
#define WAL_VERSION_BODY_MAX	(4 * 1024 * 1024)
#define WAL_VERSION_EVERY_MS	(24 * 3600 * 1000)	/* daily */
#define WAL_VERSION_RETRY_MS	(3600 * 1000)		/* after a failure */
#define WAL_VERSION_WAIT_MS	15000	/* starts wait this long for the first */
#define WAL_VERSION_AGAIN_MS	600000	/* a 405 asks again at most this often */

struct link_wa;
struct wal_sess;

enum wal_phase { WAL_RESOLVE, WAL_CONNECT, WAL_TLS, WAL_RUN, WAL_DONE };

/* One connection to WhatsApp; its session's, or a logout's on its own. */
struct wal_conn {
	struct link_wa	*w;
	struct wal_sess	*s;		/* NULL: a logout finishing by itself */
	struct wa_client *c;
	enum wal_phase	 phase;
	int		 fd;
	SSL		*ssl;
	struct loop_io	*io;
	int		 io_events;
	struct loop_timer *timer;	/* wa_client's next deadline */
	struct loop_timer *connect_timer;
	struct loop_timer *deadline;	/* a logout's connection ends by then */
	struct resolver_query *rq;
	struct resolver_result addrs;
	size_t		 next_addr;
	int		 connect_errno;	/* the last address's failure */
	int		 ended;		/* WA_EVENT_CLOSED came */
	int		 busy;		/* inside a wa_client call */
	int		 logout_on_connect;
	struct wal_conn	*next;		/* link_wa.orphans */
};

struct wal_query {
	struct link_query head;
	struct wal_sess	*s;
	uint64_t	 cookie;
	void		*qcookie;
	int		 is_about;
	char		 jid[JID_STR_MAX];
	size_t		 n;
	char		(*phones)[16];
	struct loop_timer *send;	/* the request goes out on the next round */
	struct wal_query *prev, *next;
};

struct wal_sess {
	struct link_sess head;
	struct link_wa	*w;
	char		 id[STORE_ID_MAX + 1];
	void		*cookie;
	struct wal_conn	*conn;
	unsigned char	*creds;		/* the latest credentials, for restarts */
	size_t		 creds_len;
	struct loop_timer *step;	/* a start or a pairing code, deferred */
	char		 code_phone[16];	/* pair by code once a QR is out */
	int		 pairing;	/* a QR or code was shown on this connection */
	int		 paired;	/* started with credentials, or paired since */
	int		 failed_creds;	/* the blob did not load: say so */
	int64_t		 restart_ms;	/* the latest 515 (monotonic) */
	uint64_t	 next_cookie;
	struct wal_query *queries;
};

struct link_wa {
	const struct config *cfg;
	struct loop	*loop;
	const struct link_events *ev;
	struct wa_client_cfg ccfg;
	char		 host[256], port[8], path[512];
	int		 tls;
	SSL_CTX		*ctx;
	struct resolver	*res;
	struct wal_conn	*orphans;
	struct refresh	*version;	/* version_url's worker, or NULL */
	int64_t		 version_since;	/* when the worker began (monotonic) */
	/* the version worker's latest result */
	int		 vrc;
	uint32_t	 vfetched[3];
	char		 verr[CONFIG_VALUE_MAX + 64];
};

#define WAL_COOKIE_GROUPS	UINT64_MAX	/* our own groups query */

static void wal_conn_free(struct wal_conn *cn);
static void wal_event(void *arg, const struct wa_event *ev);

/* ---- the connection ---- */

static int
wal_want(struct wal_conn *cn, int events)
{
	if (cn->io == NULL || cn->io_events == events)
		return 0;
	cn->io_events = events;
	return loop_io_mod(cn->io, events);
}

static void wal_timer_cb(void *arg);

/*
 * After every call into wa_client: its output, its deadline, its end.
 * Returns -1 when cn is gone.
 */
static int
wal_after(struct wal_conn *cn)
{
	const unsigned char *out;
	size_t len, n;
	int64_t due, now;
	ssize_t k;
	int e;

	if (cn->ended) {
		wal_conn_free(cn);
		return -1;
	}
	if (cn->phase != WAL_RUN)
		return 0;
	while ((out = wa_client_output(cn->c, &len)) != NULL && len > 0) {
		if (cn->ssl != NULL) {
			ERR_clear_error();
			if (SSL_write_ex(cn->ssl, out, len, &n) != 1) {
				e = SSL_get_error(cn->ssl, 0);
				if (e == SSL_ERROR_WANT_WRITE || e == SSL_ERROR_WANT_READ) {
					wal_want(cn, LOOP_READ | LOOP_WRITE);
					break;
				}
				goto io_error;
			}
		} else {
			if ((k = send(cn->fd, out, len, MSG_NOSIGNAL)) == -1) {
				if (errno == EAGAIN || errno == EINTR) {
					wal_want(cn, LOOP_READ | LOOP_WRITE);
					break;
				}
				goto io_error;
			}
			n = (size_t)k;
		}
		wa_client_written(cn->c, n);
	}
	if (out == NULL || len == 0)
		wal_want(cn, LOOP_READ);
	loop_timer_cancel(cn->timer);
	cn->timer = NULL;
	if ((due = wa_client_next_deadline(cn->c)) >= 0) {
		now = clock_mono_ms();
		cn->timer = loop_timer_add(cn->w->loop, due > now ? due - now : 0,
		    wal_timer_cb, cn);
	}
	return 0;
io_error:
	cn->busy = 1;
	wa_client_io_error(cn->c);
	cn->busy = 0;
	wal_conn_free(cn);
	return -1;
}

static void
wal_timer_cb(void *arg)
{
	struct wal_conn *cn = arg;

	cn->timer = NULL;
	cn->busy = 1;
	(void)wa_client_on_timer(cn->c, clock_mono_ms());
	cn->busy = 0;
	wal_after(cn);
}

/* The connection failed before wa_client ran on it: a transient drop. */
static void
wal_fail(struct wal_conn *cn, const char *why)
{
	struct wal_sess *s = cn->s;
	struct link_wa *w = cn->w;

	log_info("whatsapp: %s: %s", s != NULL ? s->id : "(logout)", why);
	wal_conn_free(cn);
	if (s != NULL)
		w->ev->state(s->cookie, LINK_DOWN, why);
}

static void
wal_run(struct wal_conn *cn)
{
	cn->phase = WAL_RUN;
	loop_timer_cancel(cn->connect_timer);
	cn->connect_timer = NULL;
	cn->busy = 1;
	wa_client_set_version(cn->c, cn->w->ccfg.info.version);
	if (wa_client_start(cn->c, clock_mono_ms()) == -1) {
		cn->busy = 0;
		wal_fail(cn, "the WhatsApp client could not start");
		return;
	}
	cn->busy = 0;
	(void)wal_after(cn);
}

static void
wal_tls_step(struct wal_conn *cn)
{
	char why[300];
	long v;
	int e;

	ERR_clear_error();
	if (SSL_connect(cn->ssl) == 1) {
		wal_run(cn);
		return;
	}
	e = SSL_get_error(cn->ssl, 0);
	if (e == SSL_ERROR_WANT_READ) {
		wal_want(cn, LOOP_READ);
		return;
	}
	if (e == SSL_ERROR_WANT_WRITE) {
		wal_want(cn, LOOP_WRITE);
		return;
	}
	v = SSL_get_verify_result(cn->ssl);
	snprintf(why, sizeof(why), "TLS failure: %s", v != X509_V_OK ?
	    X509_verify_cert_error_string(v) : "handshake failed");
	wal_fail(cn, why);
}

static void wal_connect_next(struct wal_conn *cn);

static void
wal_io(struct loop_io *io, int events, void *arg)
{
	struct wal_conn *cn = arg;
	unsigned char buf[WAL_IO_CHUNK];
	socklen_t sl = sizeof(int);
	size_t n;
	ssize_t k;
	int soerr = 0, e;

	(void)io;
	switch (cn->phase) {
	case WAL_CONNECT:
		if (getsockopt(cn->fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == -1 ||
		    soerr != 0) {
			cn->connect_errno = soerr != 0 ? soerr : errno;
			loop_io_del(cn->io);
			cn->io = NULL;
			close(cn->fd);
			cn->fd = -1;
			wal_connect_next(cn);
			return;
		}
		if (!cn->w->tls) {
			wal_run(cn);
			return;
		}
		cn->phase = WAL_TLS;
		if ((cn->ssl = SSL_new(cn->w->ctx)) == NULL ||
		    SSL_set_fd(cn->ssl, cn->fd) != 1 ||
		    SSL_set_tlsext_host_name(cn->ssl, cn->w->host) != 1 ||
		    SSL_set1_host(cn->ssl, cn->w->host) != 1) {
			wal_fail(cn, "TLS failure: cannot set up");
			return;
		}
		wal_tls_step(cn);
		return;
	case WAL_TLS:
		wal_tls_step(cn);
		return;
	case WAL_RUN:
		break;
	default:
		return;
	}
	if ((events & LOOP_WRITE) && wal_after(cn) == -1)
		return;
	/* Read what is there, a chunk at a time, until it would block. */
	for (;;) {
		if (cn->ssl != NULL) {
			ERR_clear_error();
			if (SSL_read_ex(cn->ssl, buf, sizeof(buf), &n) != 1) {
				e = SSL_get_error(cn->ssl, 0);
				if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
					break;
				goto io_error;
			}
		} else {
			if ((k = recv(cn->fd, buf, sizeof(buf), 0)) <= 0) {
				if (k == -1 && (errno == EAGAIN || errno == EINTR))
					break;
				goto io_error;
			}
			n = (size_t)k;
		}
		cn->busy = 1;
		e = wa_client_input(cn->c, buf, n, clock_mono_ms());
		cn->busy = 0;
		if (e == -1 || cn->ended)
			break;
	}
	OPENSSL_cleanse(buf, sizeof(buf));
	wal_after(cn);
	return;
io_error:
	OPENSSL_cleanse(buf, sizeof(buf));
	cn->busy = 1;
	wa_client_io_error(cn->c);
	cn->busy = 0;
	wal_after(cn);
}

/* Tries the next address, or gives up. */
static void
wal_connect_next(struct wal_conn *cn)
{
	const struct sockaddr *sa;
	char why[160];
	int fd;

	while (cn->next_addr < cn->addrs.n) {
		sa = (const struct sockaddr *)&cn->addrs.addr[cn->next_addr];
		if ((fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, 0)) == -1) {
			cn->connect_errno = errno;
			cn->next_addr++;
			continue;
		}
		if (connect(fd, sa, cn->addrs.len[cn->next_addr++]) == -1 &&
		    errno != EINPROGRESS) {
			cn->connect_errno = errno;
			close(fd);
			continue;
		}
		cn->fd = fd;
		cn->phase = WAL_CONNECT;
		cn->io_events = LOOP_WRITE;
		if ((cn->io = loop_io_add(cn->w->loop, fd, LOOP_WRITE, wal_io, cn)) == NULL) {
			wal_fail(cn, "out of memory");
			return;
		}
		return;
	}
	snprintf(why, sizeof(why), "cannot connect to the WhatsApp server: %s",
	    cn->connect_errno != 0 ? strerror(cn->connect_errno) : "no address");
	wal_fail(cn, why);
}

static void
wal_resolved(void *arg, const struct resolver_result *res)
{
	struct wal_conn *cn = arg;
	char why[300];

	cn->rq = NULL;
	if (res->err != 0) {
		snprintf(why, sizeof(why), "cannot resolve %s: %s", cn->w->host,
		    res->err == EAI_SYSTEM ? strerror(res->sys_errno) :
		    gai_strerror(res->err));
		wal_fail(cn, why);
		return;
	}
	cn->addrs = *res;
	cn->next_addr = 0;
	wal_connect_next(cn);
}

static void
wal_connect_timeout(void *arg)
{
	struct wal_conn *cn = arg;

	cn->connect_timer = NULL;
	wal_fail(cn, "the WhatsApp server did not answer in time");
}

/*
 * A connection with the credentials (NULL: a new device to pair).  NULL
 * when the credentials do not load (or no memory).
 */
static struct wal_conn *
wal_conn_new(struct link_wa *w, struct wal_sess *s, const void *creds, size_t len)
{
	struct wal_conn *cn;

	if ((cn = calloc(1, sizeof(*cn))) == NULL)
		return NULL;
	cn->w = w;
	cn->s = s;
	cn->fd = -1;
	cn->phase = WAL_RESOLVE;
	if ((cn->c = wa_client_new(&w->ccfg, creds, len, wal_event, cn)) == NULL) {
		free(cn);
		return NULL;
	}
	return cn;
}

/* Begins connecting cn: 0, or -1 (no memory). */
static int
wal_conn_begin(struct wal_conn *cn)
{
	cn->connect_timer = loop_timer_add(cn->w->loop, WAL_CONNECT_MS,
	    wal_connect_timeout, cn);
	cn->rq = resolver_lookup(cn->w->res, cn->w->host, cn->w->port, wal_resolved, cn);
	return cn->rq != NULL && cn->connect_timer != NULL ? 0 : -1;
}

/* Closes and frees cn (no event); deferred while inside a wa_client call. */
static void
wal_conn_free(struct wal_conn *cn)
{
	struct wal_conn **pp;

	if (cn == NULL)
		return;
	if (cn->busy) {
		cn->ended = 1;
		return;
	}
	if (cn->s != NULL && cn->s->conn == cn)
		cn->s->conn = NULL;
	for (pp = &cn->w->orphans; *pp != NULL; pp = &(*pp)->next)
		if (*pp == cn) {
			*pp = cn->next;
			break;
		}
	resolver_cancel(cn->rq);
	loop_timer_cancel(cn->timer);
	loop_timer_cancel(cn->connect_timer);
	loop_timer_cancel(cn->deadline);
	loop_io_del(cn->io);
	if (cn->ssl != NULL) {
		SSL_shutdown(cn->ssl);
		SSL_free(cn->ssl);
	}
	if (cn->fd != -1)
		close(cn->fd);
	wa_client_free(cn->c);
	free(cn);
}

/* ---- queries ---- */

static void
wal_query_free(struct wal_query *q)
{
	struct wal_sess *s = q->s;

	if (q->prev != NULL)
		q->prev->next = q->next;
	else
		s->queries = q->next;
	if (q->next != NULL)
		q->next->prev = q->prev;
	loop_timer_cancel(q->send);
	free(q->phones);
	free(q);
}

static struct wal_query *
wal_query_by_cookie(struct wal_sess *s, uint64_t cookie)
{
	struct wal_query *q;

	for (q = s->queries; q != NULL; q = q->next)
		if (q->cookie == cookie)
			return q;
	return NULL;
}

static enum link_rc
wal_rc(enum wa_iq_status st)
{
	switch (st) {
	case WA_IQ_OK:			return LINK_OK;
	case WA_IQ_RATE_LIMITED:	return LINK_RATE_OVERLIMIT;
	case WA_IQ_CLOSED:		return LINK_NOT_CONNECTED;
	default:			return LINK_ERROR;
	}
}

/* Digits of a bare JID ("628...@s.whatsapp.net" -> "628..."), into out. */
static const char *
wal_user(const char *jid, char *out, size_t size)
{
	const char *at;
	size_t n;

	if (jid == NULL || (at = strchr(jid, '@')) == NULL)
		return NULL;
	n = (size_t)(at - jid);
	if (memchr(jid, ':', n) != NULL)
		n = (size_t)((const char *)memchr(jid, ':', n) - jid);
	if (n == 0 || n >= size)
		return NULL;
	memcpy(out, jid, n);
	out[n] = '\0';
	return out;
}

static void
wal_check_answer(struct wal_sess *s, struct wal_query *q, const struct wa_event *ev)
{
	struct link_check_result res[LINK_CHECK_MAX];
	char lids[LINK_CHECK_MAX][JID_STR_MAX];
	struct link_check_answer a;
	size_t i, k;

	memset(&a, 0, sizeof(a));
	memset(res, 0, sizeof(res));
	a.rc = wal_rc(ev->status);
	a.retry_after_ms = ev->retry_after_s * 1000;
	if (a.rc == LINK_OK) {
		/* In the order asked; a number WhatsApp left out is not on it. */
		for (i = 0; i < q->n; i++) {
			res[i].phone = q->phones[i];
			for (k = 0; k < ev->u.check.n; k++)
				if (strcmp(ev->u.check.v[k].phone, q->phones[i]) == 0)
					break;
			if (k == ev->u.check.n || ev->u.check.v[k].state != WA_CHECK_IN)
				continue;
			res[i].on_whatsapp = 1;
			res[i].jid = ev->u.check.v[k].pn;
			res[i].lid = wal_user(ev->u.check.v[k].lid, lids[i], sizeof(lids[i]));
			if (res[i].jid == NULL)
				res[i].on_whatsapp = 0;
		}
		a.results = res;
		a.n = q->n;
	}
	s->w->ev->check_done(q->qcookie, &a);
}

static void
wal_about_answer(struct wal_sess *s, struct wal_query *q, const struct wa_event *ev)
{
	enum link_rc rc = wal_rc(ev->status);
	const char *text = "";

	/* Hidden by privacy, unset or unknown: "" (the contract's rule). */
	if (rc == LINK_OK && ev->u.about.state == WA_USYNC_ABOUT_TEXT &&
	    ev->u.about.text != NULL)
		text = ev->u.about.text;
	s->w->ev->about_done(q->qcookie, rc, ev->retry_after_s * 1000, text);
}

/* ---- what a session sees ---- */

static const char *
wal_role(enum wa_group_role r)
{
	return r == WA_GROUP_SUPERADMIN ? "superadmin" : r == WA_GROUP_ADMIN ?
	    "admin" : "member";
}

struct wal_people {
	struct link_contact *c;
	char		(*lid)[JID_STR_MAX], (*pn)[JID_STR_MAX];
	size_t		 n, cap;
	char		 own_pn[JID_STR_MAX], own_lid[JID_STR_MAX];	/* digits, or "" */
};

static int
wal_people_add(struct wal_people *p, const char *lid, const char *pn,
    const char *name, const char *business)
{
	size_t i = p->n;

	if (i == p->cap)
		return -1;
	p->c[i].lid = wal_user(lid, p->lid[i], sizeof(p->lid[i]));
	p->c[i].phone = wal_user(pn, p->pn[i], sizeof(p->pn[i]));
	if (p->c[i].lid == NULL && p->c[i].phone == NULL)
		return 0;
	/* The session's own account is not one of the people it sees. */
	if ((p->c[i].lid != NULL && strcmp(p->c[i].lid, p->own_lid) == 0) ||
	    (p->c[i].phone != NULL && strcmp(p->c[i].phone, p->own_pn) == 0))
		return 0;
	p->c[i].name = name != NULL && strcmp(name, "-") != 0 ? name : NULL;
	p->c[i].business_name = business;
	p->n++;
	return 0;
}

static int
wal_people_init(struct wal_people *p, const struct wal_sess *s, size_t cap)
{
	const char *jid = NULL, *lid = NULL;

	memset(p, 0, sizeof(*p));
	if (s->conn != NULL)
		wa_client_own(s->conn->c, &jid, &lid);
	if (wal_user(jid, p->own_pn, sizeof(p->own_pn)) == NULL)
		p->own_pn[0] = '\0';
	if (wal_user(lid, p->own_lid, sizeof(p->own_lid)) == NULL)
		p->own_lid[0] = '\0';
	p->cap = cap;
	if (cap == 0)
		return 0;
	p->c = calloc(cap, sizeof(*p->c));
	p->lid = calloc(cap, sizeof(*p->lid));
	p->pn = calloc(cap, sizeof(*p->pn));
	return p->c != NULL && p->lid != NULL && p->pn != NULL ? 0 : -1;
}

static void
wal_people_free(struct wal_people *p)
{
	free(p->c);
	free(p->lid);
	free(p->pn);
}

/*
 * People in stanzas and answers: contacts when seen in a chat (a direct
 * chat makes a DM), else only what completes a contact already seen.
 */
static void
wal_seen_people(struct wal_sess *s, const struct wa_event *ev)
{
	struct wal_people p;
	struct link_seen seen;
	const char **dms = NULL;
	size_t i, before, ndm = 0;

	if (wal_people_init(&p, s, ev->u.people.n) == -1 ||
	    (ev->u.people.n > 0 && (dms = calloc(ev->u.people.n,
	    sizeof(*dms))) == NULL))
		goto out;
	for (i = 0; i < ev->u.people.n; i++) {
		const struct wa_person *w = &ev->u.people.v[i];

		before = p.n;
		wal_people_add(&p, w->lid[0] ? w->lid : NULL, w->pn[0] ? w->pn : NULL,
		    w->push_name, w->business);
		if (p.n == before)
			continue;
		p.c[before].known_only = w->where == WA_SEEN_ELSEWHERE;
		if (w->where == WA_SEEN_DM && p.c[before].lid != NULL)
			dms[ndm++] = p.c[before].lid;
	}
	memset(&seen, 0, sizeof(seen));
	seen.contacts = p.c;
	seen.ncontacts = p.n;
	seen.dms = dms;
	seen.ndms = ndm;
	if (p.n > 0)
		s->w->ev->seen(s->cookie, &seen);
out:
	free(dms);
	wal_people_free(&p);
}

/* A text from a stanza as a C string; NULL when a NUL would cut it short. */
static const char *
wal_text(const struct wa_str *t)
{
	return t != NULL && memchr(t->p, '\0', t->len) == NULL ? t->p : NULL;
}

/*
 * Groups and their members (complete: the whole list, or a change with
 * kind's members).  Members known by PN only are contacts, not members:
 * the store keys members by LID.
 */
static void
wal_seen_groups(struct wal_sess *s, const struct wa_group *g, size_t ng,
    const struct wa_group_change *ch)
{
	struct wal_people p;
	struct link_seen seen;
	struct link_group *lg = NULL;
	struct link_member *lm = NULL;
	const char **left = NULL;
	size_t i, k, nm = 0, im = 0, il = 0;

	for (i = 0; i < ng; i++)
		nm += g[i].nmembers;
	if (ch != NULL)
		nm += ch->nmembers;
	if (wal_people_init(&p, s, nm) == -1 ||
	    (lg = calloc(ng + 1, sizeof(*lg))) == NULL ||
	    (nm > 0 && ((lm = calloc(nm, sizeof(*lm))) == NULL ||
	    (left = calloc(nm, sizeof(*left))) == NULL)))
		goto out;
	for (i = 0; i < ng; i++) {
		lg[i].jid = g[i].jid;
		lg[i].subject = g[i].subject;
		lg[i].description = wal_text(g[i].description);
		lg[i].owner_jid = g[i].owner;
		lg[i].size = (int64_t)g[i].size;
		lg[i].announce = g[i].announce;
		lg[i].locked = g[i].locked;
		lg[i].created_ms = g[i].creation * 1000;
		lg[i].complete = 1;
		lg[i].members = lm + im;
		for (k = 0; k < g[i].nmembers; k++) {
			const struct wa_group_member *m = &g[i].members[k];
			size_t before = p.n;

			wal_people_add(&p, m->lid, m->pn, m->display_name, NULL);
			if (p.n == before || p.c[before].lid == NULL)
				continue;
			lm[im].lid = p.c[before].lid;
			lm[im++].role = wal_role(m->role);
			lg[i].nmembers++;
		}
	}
	if (ch != NULL) {
		struct link_group *c = &lg[ng];

		c->jid = ch->group;
		c->size = c->announce = c->locked = -1;
		switch (ch->kind) {
		case WA_GROUP_SUBJECT:
			c->subject = ch->subject;
			break;
		case WA_GROUP_DESCRIPTION:	/* "": deleted */
			c->description = ch->text != NULL ? wal_text(ch->text) : "";
			break;
		case WA_GROUP_ANNOUNCE:
			c->announce = ch->flag != 0;
			break;
		case WA_GROUP_LOCKED:
			c->locked = ch->flag != 0;
			break;
		default:
			break;
		}
		c->members = lm + im;
		c->left = left;
		for (k = 0; k < ch->nmembers; k++) {
			const struct wa_group_member *m = &ch->members[k];
			size_t before = p.n;

			wal_people_add(&p, m->lid, m->pn, m->display_name, NULL);
			if (p.n == before || p.c[before].lid == NULL)
				continue;
			if (ch->kind == WA_GROUP_REMOVE)
				left[il++] = p.c[before].lid;
			else {
				lm[im].lid = p.c[before].lid;
				lm[im++].role = ch->kind == WA_GROUP_PROMOTE ? "admin" :
				    wal_role(m->role);
				c->nmembers++;
			}
		}
		c->nleft = il;
		ng++;
	}
	memset(&seen, 0, sizeof(seen));
	seen.contacts = p.c;
	seen.ncontacts = p.n;
	seen.groups = lg;
	seen.ngroups = ng;
	if (ng > 0 || p.n > 0)
		s->w->ev->seen(s->cookie, &seen);
out:
	wal_people_free(&p);
	free(lg);
	free(lm);
	free(left);
}

/* ---- WhatsApp Web's version ---- */

/* On the refresh worker: sw.js names the current client revision. */
static void
wal_version_work(void *arg)
{
	struct link_wa *w = arg;
	struct http_body b;

	w->verr[0] = '\0';
	w->vrc = -1;
	if (http_get(w->cfg->wa.version_url, WAL_VERSION_TIMEOUT_MS,
	    WAL_VERSION_BODY_MAX, &b, w->verr, sizeof(w->verr)) == -1)
		return;
	if (wa_version_parse_sw(b.buf, b.len, w->vfetched) == 0)
		w->vrc = 0;
	else
		snprintf(w->verr, sizeof(w->verr), "%s: no client_revision in it",
		    w->cfg->wa.version_url);
	free(b.buf);
}

static int64_t
wal_version_done(void *arg)
{
	struct link_wa *w = arg;
	char was[WA_VERSION_STR_MAX], now[WA_VERSION_STR_MAX];

	wa_version_format(w->ccfg.info.version, was);
	if (w->vrc == -1) {
		log_warnx("whatsapp: refreshing the version failed: %s; keeping %s",
		    w->verr, was);
		return WAL_VERSION_RETRY_MS;
	}
	wa_version_format(w->vfetched, now);
	if (memcmp(w->vfetched, w->ccfg.info.version, sizeof(w->vfetched)) != 0) {
		log_info("whatsapp: version %s (was %s), from %s", now, was,
		    w->cfg->wa.version_url);
		memcpy(w->ccfg.info.version, w->vfetched, sizeof(w->vfetched));
	}
	return WAL_VERSION_EVERY_MS;
}

/*
 * WhatsApp refused version v as outdated: nonzero when a retry may do
 * better, because a newer version came meanwhile or version_url has not
 * been asked lately (it is asked now).
 */
static int
wal_version_retry(struct link_wa *w, const uint32_t v[3])
{
	if (memcmp(v, w->ccfg.info.version, sizeof(w->ccfg.info.version)) != 0)
		return 1;
	if (w->version == NULL || clock_mono_ms() -
	    refresh_last_start(w->version) < WAL_VERSION_AGAIN_MS)
		return 0;
	refresh_now(w->version);
	return 1;
}

/* ---- wa_client's events ---- */

/* A monotonic deadline of wa_client as wall-clock ms. */
static int64_t
wal_wall(int64_t mono)
{
	return clock_wall_ms() + (mono - clock_mono_ms());
}

static void
wal_closed(struct wal_conn *cn, const struct wa_event *ev)
{
	struct wal_sess *s = cn->s;
	const struct link_events *lev = cn->w->ev;
	const struct wa_close *why = &ev->u.closed.why;
	char vbuf[WA_VERSION_STR_MAX];
	struct wal_conn *again;

	cn->ended = 1;
	if (s == NULL)
		return;		/* a logout's connection: done */
	while (s->queries != NULL)
		wal_query_free(s->queries);	/* the daemon fails them */
	switch (why->reason) {
	case WA_CLOSE_LOCAL:
		return;
	case WA_CLOSE_RESTART:
		/*
		 * After pairing WhatsApp restarts the stream: log in at once.
		 * A server that keeps restarting it gets the daemon's back-off.
		 */
		if (s->restart_ms != 0 &&
		    clock_mono_ms() - s->restart_ms < WAL_RESTART_QUICK_MS) {
			s->restart_ms = 0;
			lev->state(s->cookie, LINK_DOWN, wa_close_str(why->reason));
			return;
		}
		s->restart_ms = clock_mono_ms();
		s->conn = NULL;
		cn->s = NULL;
		if ((again = wal_conn_new(cn->w, s, s->creds, s->creds_len)) == NULL ||
		    wal_conn_begin(again) == -1) {
			wal_conn_free(again);
			lev->state(s->cookie, LINK_DOWN, "out of memory");
			return;
		}
		s->conn = again;
		s->pairing = 0;
		lev->state(s->cookie, LINK_CONNECTING, "");
		return;
	case WA_CLOSE_LOGGED_OUT:
		lev->state(s->cookie, LINK_LOGGED_OUT, why->code ? "logged out by WhatsApp" :
		    "logged out");
		return;
	case WA_CLOSE_REPLACED:
		lev->state(s->cookie, LINK_FAILED, LINK_REASON_REPLACED);
		return;
	case WA_CLOSE_CLIENT_OUTDATED:
		log_warnx("whatsapp: %s: WhatsApp refused version %s as outdated",
		    s->id, wa_version_format(ev->u.closed.version, vbuf));
		if (wal_version_retry(cn->w, ev->u.closed.version)) {
			lev->state(s->cookie, LINK_DOWN, LINK_REASON_CLIENT_OUTDATED);
			return;
		}
		log_warnx("whatsapp: %s: set [whatsapp] version, or version_url to "
		    "where the current one is published", s->id);
		lev->state(s->cookie, LINK_FAILED, LINK_REASON_CLIENT_OUTDATED);
		return;
	case WA_CLOSE_BANNED:
		log_warnx("whatsapp: %s: temporarily banned (code %d, for %lld s)",
		    s->id, why->ban_code, (long long)why->expire_s);
		lev->state(s->cookie, LINK_FAILED, LINK_REASON_BANNED);
		return;
	case WA_CLOSE_BAD_USER_AGENT:
		lev->state(s->cookie, LINK_FAILED, "bad_user_agent");
		return;
	case WA_CLOSE_PAIRING_ENDED:
		lev->state(s->cookie, LINK_FAILED, LINK_REASON_PAIRING_TIMEOUT);
		return;
	case WA_CLOSE_PAIRING_FAILED:
		lev->state(s->cookie, LINK_FAILED, "pairing_failed");
		return;
	default:
		lev->state(s->cookie, LINK_DOWN, wa_close_str(why->reason));
		return;
	}
}

/* Reports the paired account from its device JIDs. */
static void
wal_identity(struct wal_sess *s, const char *devjid, const char *devlid)
{
	struct link_identity id;
	char phone[16], jid[JID_STR_MAX], lid[JID_STR_MAX];

	memset(&id, 0, sizeof(id));
	if (wal_user(devjid, phone, sizeof(phone)) != NULL) {
		id.phone = phone;
		snprintf(jid, sizeof(jid), "%s@s.whatsapp.net", phone);
		id.jid = jid;
	}
	if (wal_user(devlid, lid, sizeof(lid) - 4) != NULL) {
		memcpy(lid + strlen(lid), "@lid", 5);
		id.lid = lid;
	}
	s->w->ev->paired(s->cookie, &id);
}

static void
wal_event(void *arg, const struct wa_event *ev)
{
	struct wal_conn *cn = arg;
	struct wal_sess *s = cn->s;
	const struct link_events *lev = cn->w->ev;
	struct link_pairing pr;
	struct wal_query *q;
	const char *own_jid, *own_lid;
	unsigned char *copy;

	if (ev->type == WA_EVENT_CLOSED) {
		wal_closed(cn, ev);
		return;
	}
	if (s == NULL) {
		/* A logout's connection: once in, tell WhatsApp. */
		if (ev->type == WA_EVENT_CONNECTED && cn->logout_on_connect) {
			cn->logout_on_connect = 0;
			if (wa_client_logout(cn->c, clock_mono_ms()) == -1)
				wa_client_close(cn->c);
		}
		return;
	}
	switch (ev->type) {
	case WA_EVENT_CREDS:
		if ((copy = malloc(ev->u.creds.len)) != NULL) {
			memcpy(copy, ev->u.creds.blob, ev->u.creds.len);
			if (s->creds != NULL)
				OPENSSL_cleanse(s->creds, s->creds_len);
			free(s->creds);
			s->creds = copy;
			s->creds_len = ev->u.creds.len;
		}
		lev->credentials(s->cookie, ev->u.creds.blob, ev->u.creds.len);
		break;
	case WA_EVENT_QR:
		/* Pairing by code was asked for: the first QR makes it possible. */
		if (s->code_phone[0] != '\0') {
			if (wa_client_pair_code(cn->c, s->code_phone, 0,
			    clock_mono_ms()) == 0) {
				s->code_phone[0] = '\0';
				break;
			}
			s->code_phone[0] = '\0';
		}
		pr.kind = LINK_PAIR_QR;
		pr.code = ev->u.qr.text;
		pr.expires_ms = wal_wall(ev->u.qr.expires_ms);
		lev->pairing(s->cookie, &pr);
		if (!s->pairing) {
			s->pairing = 1;
			lev->state(s->cookie, LINK_PAIRING, "");
		}
		break;
	case WA_EVENT_PAIR_CODE:
		if (ev->status != WA_IQ_OK) {
			log_warnx("whatsapp: %s: WhatsApp refused a pairing code: %s",
			    s->id, wa_iq_strstatus(ev->status));
			break;
		}
		pr.kind = LINK_PAIR_CODE;
		pr.code = ev->u.pair_code.code;
		pr.expires_ms = clock_wall_ms() + WAL_CODE_MS;
		lev->pairing(s->cookie, &pr);
		if (!s->pairing) {
			s->pairing = 1;
			lev->state(s->cookie, LINK_PAIRING, "");
		}
		break;
	case WA_EVENT_PAIRED:
		s->paired = 1;
		wal_identity(s, ev->u.paired.jid, ev->u.paired.lid);
		break;
	case WA_EVENT_CONNECTED:
		s->pairing = 0;
		/* The account, as logged in (the LID may be new since pairing). */
		wa_client_own(cn->c, &own_jid, &own_lid);
		wal_identity(s, own_jid, own_lid);
		lev->state(s->cookie, LINK_UP, "");
		/* The groups and their members are what it sees first. */
		(void)wa_client_groups(cn->c, WAL_COOKIE_GROUPS, clock_mono_ms());
		break;
	case WA_EVENT_PEOPLE:
		wal_seen_people(s, ev);
		break;
	case WA_EVENT_GROUPS:
		if (ev->cookie == WAL_COOKIE_GROUPS && ev->status == WA_IQ_OK)
			wal_seen_groups(s, ev->u.groups.v, ev->u.groups.n, NULL);
		break;
	case WA_EVENT_GROUP_CHANGE:
		/* A deleted group and its timer are nothing the store keeps. */
		if (ev->u.change->kind == WA_GROUP_CREATE && ev->u.change->created != NULL)
			wal_seen_groups(s, ev->u.change->created, 1, NULL);
		else if (ev->u.change->kind != WA_GROUP_DELETE &&
		    ev->u.change->kind != WA_GROUP_EPHEMERAL &&
		    ev->u.change->kind != WA_GROUP_CREATE)
			wal_seen_groups(s, NULL, 0, ev->u.change);
		break;
	case WA_EVENT_CHECK:
		if ((q = wal_query_by_cookie(s, ev->cookie)) != NULL) {
			wal_check_answer(s, q, ev);
			wal_query_free(q);
		}
		break;
	case WA_EVENT_ABOUT:
		if ((q = wal_query_by_cookie(s, ev->cookie)) != NULL) {
			wal_about_answer(s, q, ev);
			wal_query_free(q);
		}
		break;
	default:
		break;
	}
}

/* ---- the driver ---- */

/* "wss://host[:port]/path" (config.c checked the form). */
static int
wal_url(struct link_wa *w, const char *url, char *err, size_t errlen)
{
	const char *p, *host, *slash, *colon;
	size_t hl;

	w->tls = strncmp(url, "wss://", 6) == 0;
	host = url + (w->tls ? 6 : 5);
	if ((slash = strchr(host, '/')) == NULL)
		goto bad;
	colon = memchr(host, ':', (size_t)(slash - host));
	if (*host == '[')	/* [::1]:port */
		colon = (p = memchr(host, ']', (size_t)(slash - host))) != NULL &&
		    p[1] == ':' ? p + 1 : NULL;
	hl = (size_t)((colon ? colon : slash) - host);
	if (*host == '[' && hl >= 2) {
		host++;
		hl -= 2;
	}
	if (hl == 0 || hl >= sizeof(w->host) || strlen(slash) >= sizeof(w->path))
		goto bad;
	memcpy(w->host, host, hl);
	w->host[hl] = '\0';
	if (colon != NULL) {
		if ((size_t)(slash - colon - 1) == 0 ||
		    (size_t)(slash - colon - 1) >= sizeof(w->port))
			goto bad;
		memcpy(w->port, colon + 1, (size_t)(slash - colon - 1));
		w->port[slash - colon - 1] = '\0';
	} else
		snprintf(w->port, sizeof(w->port), "%s", w->tls ? "443" : "80");
	snprintf(w->path, sizeof(w->path), "%s", slash);
	return 0;
bad:
	snprintf(err, errlen, "[whatsapp] url: cannot read %s", url);
	return -1;
}

static int
wal_hex(const char *s, unsigned char *out, size_t n)
{
	size_t i;
	unsigned v;

	if (strlen(s) != n * 2)
		return -1;
	for (i = 0; i < n; i++) {
		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (unsigned char)v;
	}
	return 0;
}

static void *
wal_open(const struct config *cfg, struct loop *loop, const struct link_events *ev,
    char *err, size_t errlen)
{
	struct link_wa *w;

	if ((w = calloc(1, sizeof(*w))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	w->cfg = cfg;
	w->loop = loop;
	w->ev = ev;
	wa_client_cfg_default(&w->ccfg);
	if (wal_url(w, cfg->wa.url, err, errlen) == -1)
		goto fail;
	w->ccfg.host = w->host;
	w->ccfg.path = w->path;
	if (cfg->wa.noise_root_key[0] != '\0' &&
	    wal_hex(cfg->wa.noise_root_key, w->ccfg.trust.root_key, 32) == -1) {
		snprintf(err, errlen, "[whatsapp] noise_root_key: not 64 hex digits");
		goto fail;
	}
	if (cfg->wa.version[0] != '\0' && wa_version_parse(cfg->wa.version,
	    strlen(cfg->wa.version), w->ccfg.info.version) == -1) {
		snprintf(err, errlen, "[whatsapp] version: cannot read %s", cfg->wa.version);
		goto fail;
	}
	if (w->tls) {
		if ((w->ctx = SSL_CTX_new(TLS_client_method())) == NULL) {
			snprintf(err, errlen, "TLS: cannot make a context");
			goto fail;
		}
		SSL_CTX_set_min_proto_version(w->ctx, TLS1_2_VERSION);
		SSL_CTX_set_verify(w->ctx, SSL_VERIFY_PEER, NULL);
		/* Idle sessions keep no TLS buffers; writes may come in parts. */
		SSL_CTX_set_mode(w->ctx, SSL_MODE_RELEASE_BUFFERS |
		    SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
		if ((cfg->wa.ca_file[0] != '\0' ?
		    SSL_CTX_load_verify_locations(w->ctx, cfg->wa.ca_file, NULL) :
		    SSL_CTX_set_default_verify_paths(w->ctx)) != 1) {
			snprintf(err, errlen, "[whatsapp] ca_file: cannot load %s",
			    cfg->wa.ca_file[0] ? cfg->wa.ca_file : "the system's CAs");
			goto fail;
		}
	}
	if ((w->res = resolver_new(loop, err, errlen)) == NULL)
		goto fail;
	log_info("whatsapp: %s://%s:%s%s, version %u.%u.%u", w->tls ? "wss" : "ws",
	    w->host, w->port, w->path, w->ccfg.info.version[0], w->ccfg.info.version[1],
	    w->ccfg.info.version[2]);
	return w;
fail:
	resolver_free(w->res);
	SSL_CTX_free(w->ctx);
	free(w);
	return NULL;
}

static void
wal_close(void *impl)
{
	struct link_wa *w = impl;

	refresh_free(w->version);
	while (w->orphans != NULL)
		wal_conn_free(w->orphans);
	resolver_free(w->res);
	SSL_CTX_free(w->ctx);
	free(w);
}

static struct link_sess *
wal_sess_new(void *impl, const char *id, void *cookie)
{
	struct link_wa *w = impl;
	struct wal_sess *s;
	char err[256];

	/* Nothing is asked of WhatsApp's servers before a session needs them. */
	if (w->version == NULL && w->cfg->wa.version_url[0] != '\0') {
		w->version_since = clock_mono_ms();
		if ((w->version = refresh_new(w->loop, wal_version_work,
		    wal_version_done, w, err, sizeof(err))) == NULL)
			log_warnx("whatsapp: the version will not be refreshed: %s", err);
	}
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->head.drv = &link_whatsapp_driver;
	s->w = impl;
	snprintf(s->id, sizeof(s->id), "%s", id);
	s->cookie = cookie;
	return &s->head;
}

static void
wal_halt(struct wal_sess *s)
{
	loop_timer_cancel(s->step);
	s->step = NULL;
	while (s->queries != NULL)
		wal_query_free(s->queries);
	if (s->conn != NULL) {
		s->conn->s = NULL;
		wal_conn_free(s->conn);
	}
	s->conn = NULL;
	s->pairing = 0;
	s->code_phone[0] = '\0';
}

static void
wal_forget_creds(struct wal_sess *s)
{
	if (s->creds != NULL)
		OPENSSL_cleanse(s->creds, s->creds_len);
	free(s->creds);
	s->creds = NULL;
	s->creds_len = 0;
}

static void
wal_sess_free(struct link_sess *ls)
{
	struct wal_sess *s = (struct wal_sess *)ls;

	wal_halt(s);
	wal_forget_creds(s);
	free(s);
}

/* The deferred start: connect, or say the credentials do not load. */
static void
wal_start_step(void *arg)
{
	struct wal_sess *s = arg;

	s->step = NULL;
	/* The first version fetch is under way: use what it brings. */
	if (s->w->version != NULL && refresh_first_pending(s->w->version) &&
	    clock_mono_ms() - s->w->version_since < WAL_VERSION_WAIT_MS) {
		s->step = loop_timer_add(s->w->loop, 100, wal_start_step, s);
		if (s->step != NULL)
			return;
	}
	if (s->failed_creds) {
		s->failed_creds = 0;
		s->w->ev->state(s->cookie, LINK_FAILED, "credentials_unreadable");
		return;
	}
	if (s->conn != NULL && wal_conn_begin(s->conn) == -1) {
		wal_conn_free(s->conn);
		s->conn = NULL;
		s->w->ev->state(s->cookie, LINK_DOWN, "out of memory");
	}
}

static int
wal_start(struct link_sess *ls, const void *creds, size_t len)
{
	struct wal_sess *s = (struct wal_sess *)ls;

	wal_halt(s);
	wal_forget_creds(s);
	s->paired = 0;
	if (creds != NULL && (s->creds = malloc(len > 0 ? len : 1)) != NULL) {
		memcpy(s->creds, creds, len);
		s->creds_len = len;
	}
	if ((s->conn = wal_conn_new(s->w, s, creds, len)) == NULL) {
		if (creds == NULL)
			return -1;
		log_warnx("whatsapp: %s: the stored credentials do not load", s->id);
		s->failed_creds = 1;
	} else
		s->paired = wa_client_paired(s->conn->c);
	s->step = loop_timer_add(s->w->loop, 0, wal_start_step, s);
	return s->step != NULL ? 0 : -1;
}

static void
wal_code_step(void *arg)
{
	struct wal_sess *s = arg;

	s->step = NULL;
	if (s->conn == NULL || !s->pairing)
		return;
	s->conn->busy = 1;
	if (wa_client_pair_code(s->conn->c, s->code_phone, 0, clock_mono_ms()) == 0)
		s->code_phone[0] = '\0';
	s->conn->busy = 0;
	(void)wal_after(s->conn);
}

static int
wal_pair_code(struct link_sess *ls, const char *phone)
{
	struct wal_sess *s = (struct wal_sess *)ls;

	if (s->paired)
		return -1;
	if (s->conn == NULL && wal_start(ls, NULL, 0) == -1)
		return -1;
	snprintf(s->code_phone, sizeof(s->code_phone), "%s", phone);
	/* A QR is out: ask now; else the first QR will. */
	if (s->pairing && s->step == NULL)
		s->step = loop_timer_add(s->w->loop, 0, wal_code_step, s);
	return 0;
}

static void
wal_stop(struct link_sess *ls)
{
	wal_halt((struct wal_sess *)ls);
}

static void
wal_logout_timeout(void *arg)
{
	struct wal_conn *cn = arg;

	cn->deadline = NULL;
	wal_conn_free(cn);
}

static void
wal_logout(struct link_sess *ls, const void *creds, size_t len)
{
	struct wal_sess *s = (struct wal_sess *)ls;
	struct link_wa *w = s->w;
	struct wal_conn *cn = s->conn;

	loop_timer_cancel(s->step);
	s->step = NULL;
	while (s->queries != NULL)
		wal_query_free(s->queries);
	s->conn = NULL;
	/* The latest credentials are the driver's own, when it ran. */
	if (s->creds != NULL) {
		creds = s->creds;
		len = s->creds_len;
	}
	/* Connected: tell WhatsApp on this connection, which lives on alone. */
	if (cn != NULL && wa_client_connected(cn->c)) {
		cn->s = NULL;
		cn->busy = 1;
		if (wa_client_logout(cn->c, clock_mono_ms()) == -1)
			wa_client_close(cn->c);
		cn->busy = 0;
		cn->next = w->orphans;
		w->orphans = cn;
		if (wal_after(cn) == -1)
			cn = NULL;
	} else {
		if (cn != NULL) {
			cn->s = NULL;
			wal_conn_free(cn);
		}
		/* Not connected: connect with the credentials only to say so. */
		if (creds != NULL && (cn = wal_conn_new(w, NULL, creds, len)) != NULL) {
			cn->logout_on_connect = 1;
			cn->next = w->orphans;
			w->orphans = cn;
			if (wal_conn_begin(cn) == -1) {
				wal_conn_free(cn);
				cn = NULL;
			}
		}
	}
	/* An orphan ends by itself, or after WAL_LOGOUT_MS at most. */
	if (cn != NULL && w->orphans == cn)
		cn->deadline = loop_timer_add(w->loop, WAL_LOGOUT_MS, wal_logout_timeout, cn);
	s->pairing = 0;
	s->paired = 0;
	wal_forget_creds(s);
}

static void
wal_send(void *arg)
{
	struct wal_query *q = arg;
	struct wal_sess *s = q->s;
	struct wal_conn *cn = s->conn;
	const char *list[LINK_CHECK_MAX];
	struct link_check_answer a;
	size_t i;
	int rc;

	q->send = NULL;
	if (cn == NULL) {
		wal_query_free(q);
		return;
	}
	for (i = 0; i < q->n; i++)
		list[i] = q->phones[i];
	cn->busy = 1;
	rc = q->is_about ? wa_client_about(cn->c, q->jid, q->cookie, clock_mono_ms()) :
	    wa_client_check(cn->c, list, q->n, q->cookie, clock_mono_ms());
	cn->busy = 0;
	if (rc == -1 && !cn->ended) {
		/* Not sent: answer that the link is down, as wa_client would. */
		memset(&a, 0, sizeof(a));
		a.rc = LINK_NOT_CONNECTED;
		if (q->is_about)
			s->w->ev->about_done(q->qcookie, LINK_NOT_CONNECTED, 0, "");
		else
			s->w->ev->check_done(q->qcookie, &a);
		wal_query_free(q);
	}
	(void)wal_after(cn);
}

static struct wal_query *
wal_query(struct wal_sess *s, void *qcookie)
{
	struct wal_query *q;

	if (s->conn == NULL || s->conn->phase != WAL_RUN ||
	    !wa_client_connected(s->conn->c) || (q = calloc(1, sizeof(*q))) == NULL)
		return NULL;
	q->head.drv = &link_whatsapp_driver;
	q->s = s;
	q->qcookie = qcookie;
	q->cookie = ++s->next_cookie;
	if ((q->send = loop_timer_add(s->w->loop, 0, wal_send, q)) == NULL) {
		free(q);
		return NULL;
	}
	q->next = s->queries;
	if (q->next != NULL)
		q->next->prev = q;
	s->queries = q;
	return q;
}

static struct link_query *
wal_check(struct link_sess *ls, const char *const *phones, size_t n, void *qcookie)
{
	struct wal_query *q;
	size_t i;

	if ((q = wal_query((struct wal_sess *)ls, qcookie)) == NULL)
		return NULL;
	if ((q->phones = calloc(n, sizeof(*q->phones))) == NULL) {
		wal_query_free(q);
		return NULL;
	}
	for (i = 0; i < n; i++)
		snprintf(q->phones[i], sizeof(q->phones[i]), "%s", phones[i]);
	q->n = n;
	return &q->head;
}

static struct link_query *
wal_about(struct link_sess *ls, const struct jid *jid, void *qcookie)
{
	struct wal_query *q;

	if ((q = wal_query((struct wal_sess *)ls, qcookie)) == NULL)
		return NULL;
	q->is_about = 1;
	jid_format_bare(jid, q->jid);
	return &q->head;
}

static void
wal_cancel(struct link_query *lq)
{
	/* An answer that still comes finds no query and is dropped. */
	wal_query_free((struct wal_query *)lq);
}

const struct link_driver link_whatsapp_driver = {
	.name = "whatsapp",
	.open = wal_open,
	.close = wal_close,
	.sess_new = wal_sess_new,
	.sess_free = wal_sess_free,
	.start = wal_start,
	.pair_code = wal_pair_code,
	.stop = wal_stop,
	.logout = wal_logout,
	.check = wal_check,
	.about = wal_about,
	.cancel = wal_cancel,
};
