/* Private to link.c and the drivers: the table every driver fills. */
#ifndef WAGW_SESSIOND_LINK_IMPL_H
#define WAGW_SESSIOND_LINK_IMPL_H

#include "sessiond/link.h"

struct link_driver {
	const char	*name;
	void	*(*open)(const struct config *, struct loop *,
		    const struct link_events *, void *arg, char *err, size_t errlen);
	void	 (*close)(void *impl);
	int	 (*reload)(void *impl, char *err, size_t errlen);
	void	 (*session_open)(void *impl, const char *session,
		    struct link_session_info *info);
	void	 (*session_info)(void *impl, const char *session,
		    struct link_session_info *info);
	void	 (*session_close)(void *impl, const char *session);
	void	 (*report_unheld)(void *impl);
	int	 (*connect)(void *impl, const char *session);
	void	 (*disconnect)(void *impl, const char *session);
	struct link_query *(*check)(void *impl, const char *session,
		    const char *phone, void *cookie);
	struct link_query *(*about)(void *impl, const char *session,
		    const struct jid *jid, void *cookie);
	void	 (*cancel)(void *impl, struct link_query *q);
};

extern const struct link_driver link_sim_driver;

#endif
