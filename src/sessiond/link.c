#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sessiond/link_impl.h"

struct link {
	const struct link_driver *drv;
	void		*impl;
};

static const struct link_driver *const link_drivers[] = {
	&link_sim_driver,
};

int
link_open(struct link **out, const struct config *cfg, struct loop *loop,
    const struct link_events *ev, void *arg, char *err, size_t errlen)
{
	const struct link_driver *drv = NULL;
	struct link *l;
	size_t i;

	*out = NULL;
	for (i = 0; i < sizeof(link_drivers) / sizeof(link_drivers[0]); i++)
		if (strcmp(link_drivers[i]->name, cfg->link) == 0)
			drv = link_drivers[i];
	if (drv == NULL) {
		snprintf(err, errlen, "unknown link driver \"%s\"", cfg->link);
		return -1;
	}
	if ((l = calloc(1, sizeof(*l))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	l->drv = drv;
	if ((l->impl = drv->open(cfg, loop, ev, arg, err, errlen)) == NULL) {
		free(l);
		return -1;
	}
	*out = l;
	return 0;
}

void
link_close(struct link *l)
{
	if (l == NULL)
		return;
	l->drv->close(l->impl);
	free(l);
}

int
link_reload(struct link *l, char *err, size_t errlen)
{
	return l->drv->reload(l->impl, err, errlen);
}

void
link_session_open(struct link *l, const char *session, struct link_session_info *info)
{
	l->drv->session_open(l->impl, session, info);
}

void
link_session_info(struct link *l, const char *session, struct link_session_info *info)
{
	l->drv->session_info(l->impl, session, info);
}

void
link_session_close(struct link *l, const char *session)
{
	l->drv->session_close(l->impl, session);
}

void
link_report_unheld(struct link *l)
{
	l->drv->report_unheld(l->impl);
}

int
link_connect(struct link *l, const char *session)
{
	return l->drv->connect(l->impl, session);
}

void
link_disconnect(struct link *l, const char *session)
{
	l->drv->disconnect(l->impl, session);
}

struct link_query *
link_check(struct link *l, const char *session, const char *phone, void *cookie)
{
	return l->drv->check(l->impl, session, phone, cookie);
}

struct link_query *
link_about(struct link *l, const char *session, const struct jid *jid, void *cookie)
{
	return l->drv->about(l->impl, session, jid, cookie);
}

void
link_cancel(struct link *l, struct link_query *q)
{
	l->drv->cancel(l->impl, q);
}

const char *
link_name(const struct link *l)
{
	return l->drv->name;
}
