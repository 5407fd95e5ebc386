#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "sessiond/link_impl.h"

static const struct link_driver *const link_drivers[] = {
	&link_sim_driver,
	&link_whatsapp_driver,
};
#define LINK_NDRIVERS	(sizeof(link_drivers) / sizeof(link_drivers[0]))

struct link {
	const struct config *cfg;
	struct loop	*loop;
	const struct link_events *ev;
	void		*impl[LINK_NDRIVERS];	/* NULL: not open (yet) */
};

static int
link_index(const char *name)
{
	size_t i;

	for (i = 0; i < LINK_NDRIVERS; i++)
		if (strcmp(link_drivers[i]->name, name) == 0)
			return (int)i;
	return -1;
}

int
link_known(const char *name)
{
	return link_index(name) != -1;
}

/* The open driver called name, opening it now if need be. */
static void *
link_impl(struct link *l, const char *name, char *err, size_t errlen)
{
	int i = link_index(name);

	if (i == -1) {
		snprintf(err, errlen, "this build has no \"%s\" link driver", name);
		return NULL;
	}
	if (l->impl[i] == NULL) {
		l->impl[i] = link_drivers[i]->open(l->cfg, l->loop, l->ev, err, errlen);
		if (l->impl[i] != NULL)
			log_info("link driver %s open", name);
	}
	return l->impl[i];
}

int
link_open(struct link **out, const struct config *cfg, struct loop *loop,
    const struct link_events *ev, char *err, size_t errlen)
{
	struct link *l;

	*out = NULL;
	if ((l = calloc(1, sizeof(*l))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	l->cfg = cfg;
	l->loop = loop;
	l->ev = ev;
	/* The default link must work from the start; others open when used. */
	if (link_impl(l, cfg->link, err, errlen) == NULL) {
		free(l);
		return -1;
	}
	*out = l;
	return 0;
}

void
link_close(struct link *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < LINK_NDRIVERS; i++)
		if (l->impl[i] != NULL)
			link_drivers[i]->close(l->impl[i]);
	free(l);
}

int
link_reload(struct link *l, char *err, size_t errlen)
{
	char one[512];
	size_t i;
	int rc = 0;

	err[0] = '\0';
	for (i = 0; i < LINK_NDRIVERS; i++) {
		if (l->impl[i] == NULL || link_drivers[i]->reload == NULL)
			continue;
		if (link_drivers[i]->reload(l->impl[i], one, sizeof(one)) == -1) {
			snprintf(err, errlen, "%s", one);
			rc = -1;
		}
	}
	return rc;
}

int
link_provisioned(struct link *l, const char *driver, const char *id, int *autostart)
{
	char err[512];
	int i = link_index(driver);
	void *impl;

	*autostart = 0;
	if (i == -1 || link_drivers[i]->provisioned == NULL ||
	    (impl = link_impl(l, driver, err, sizeof(err))) == NULL)
		return 0;
	return link_drivers[i]->provisioned(impl, id, autostart);
}

struct link_sess *
link_sess_new(struct link *l, const char *driver, const char *id, void *cookie,
    char *err, size_t errlen)
{
	struct link_sess *ls;
	void *impl;

	if ((impl = link_impl(l, driver, err, errlen)) == NULL)
		return NULL;
	if ((ls = link_drivers[link_index(driver)]->sess_new(impl, id, cookie)) == NULL)
		snprintf(err, errlen, "out of memory");
	return ls;
}

void
link_sess_free(struct link_sess *ls)
{
	if (ls != NULL)
		ls->drv->sess_free(ls);
}

int
link_start(struct link_sess *ls, const void *creds, size_t len)
{
	return ls->drv->start(ls, creds, len);
}

int
link_pair_code(struct link_sess *ls, const char *phone)
{
	return ls->drv->pair_code(ls, phone);
}

void
link_stop(struct link_sess *ls)
{
	ls->drv->stop(ls);
}

void
link_logout(struct link_sess *ls, const void *creds, size_t len)
{
	ls->drv->logout(ls, creds, len);
}

struct link_query *
link_check(struct link_sess *ls, const char *const *phones, size_t n, void *qcookie)
{
	if (n == 0 || n > LINK_CHECK_MAX)
		return NULL;
	return ls->drv->check(ls, phones, n, qcookie);
}

struct link_query *
link_about(struct link_sess *ls, const struct jid *jid, void *qcookie)
{
	return ls->drv->about(ls, jid, qcookie);
}

void
link_cancel(struct link_query *q)
{
	if (q != NULL)
		q->drv->cancel(q);
}

const char *
link_sess_driver(const struct link_sess *ls)
{
	return ls->drv->name;
}

int
link_sim_scan(struct link *l, const char *qr, const char *phone, char *err,
    size_t errlen)
{
	void *impl = link_impl(l, "sim", err, errlen);

	return impl == NULL ? -1 : sim_scan(impl, qr, phone, err, errlen);
}

int
link_sim_link_code(struct link *l, const char *code, char *err, size_t errlen)
{
	void *impl = link_impl(l, "sim", err, errlen);

	return impl == NULL ? -1 : sim_link_code(impl, code, err, errlen);
}

int
link_sim_drop(struct link *l, const char *session, char *err, size_t errlen)
{
	void *impl = link_impl(l, "sim", err, errlen);

	return impl == NULL ? -1 : sim_drop(impl, session, err, errlen);
}

int
link_sim_unlink(struct link *l, const char *session, char *err, size_t errlen)
{
	void *impl = link_impl(l, "sim", err, errlen);

	return impl == NULL ? -1 : sim_unlink(impl, session, err, errlen);
}
