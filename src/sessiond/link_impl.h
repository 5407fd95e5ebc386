/*
 * Private to link.c and the drivers: the table every driver fills, and
 * the heads every driver's session and query start with, so that link.c
 * can hand a call to the driver that made the handle.
 */
#ifndef WAGW_SESSIOND_LINK_IMPL_H
#define WAGW_SESSIOND_LINK_IMPL_H

#include "sessiond/link.h"

struct link_driver;

/* The first member of every driver's session. */
struct link_sess {
	const struct link_driver *drv;
};

/* The first member of every driver's query. */
struct link_query {
	const struct link_driver *drv;
};

struct link_driver {
	const char	*name;
	/* Opens the driver (NULL with a message in err). */
	void	*(*open)(const struct config *, struct loop *,
		    const struct link_events *, char *err, size_t errlen);
	void	 (*close)(void *impl);
	/* SIGHUP; NULL when there is nothing to re-read. */
	int	 (*reload)(void *impl, char *err, size_t errlen);
	/* NULL when the driver provisions nothing. */
	int	 (*provisioned)(void *impl, const char *id, int *autostart);
	/* Fills a new session's head; NULL when out of memory. */
	struct link_sess *(*sess_new)(void *impl, const char *id, void *cookie);
	void	 (*sess_free)(struct link_sess *ls);
	int	 (*start)(struct link_sess *ls, const void *creds, size_t len);
	int	 (*pair_code)(struct link_sess *ls, const char *phone);
	void	 (*stop)(struct link_sess *ls);
	void	 (*logout)(struct link_sess *ls, const void *creds, size_t len);
	struct link_query *(*check)(struct link_sess *ls, const char *const *phones,
		    size_t n, void *qcookie);
	struct link_query *(*about)(struct link_sess *ls, const struct jid *jid,
		    void *qcookie);
	void	 (*cancel)(struct link_query *q);
};

extern const struct link_driver link_sim_driver;
extern const struct link_driver link_whatsapp_driver;

/* link_sim.c: what a phone does (see link.h). */
int sim_scan(void *impl, const char *qr, const char *phone, char *err, size_t errlen);
int sim_link_code(void *impl, const char *code, char *err, size_t errlen);
int sim_unlink(void *impl, const char *session, char *err, size_t errlen);
int sim_drop(void *impl, const char *session, char *err, size_t errlen);

#endif
