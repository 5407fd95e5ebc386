# Deployment files: the example configuration under $(sysconfdir)/wagw.
wagwconfdir = $(sysconfdir)/wagw
dist_wagwconf_DATA = etc/wagw.conf.example


# The own-user set-up (README.md, "Deployment"): the responders' socket
# units, their service (one file, installed under the name of each pool),
# the daemon's drop-in, and wagw-spawn-fcgi for hosts without systemd;
# with the install paths filled in as in etc/wagw-sessiond.service.
dist_pkgdata_DATA = etc/wagw-fcgi.socket etc/wagw-fcgi-live.socket \
	etc/wagw-sessiond-own-user.conf
pkgdata_DATA += etc/wagw-fcgi@.service etc/wagw-fcgi-live@.service
pkgdata_SCRIPTS = etc/wagw-spawn-fcgi
EXTRA_DIST += etc/wagw-fcgi.service.in etc/wagw-spawn-fcgi.in
CLEANFILES += etc/wagw-fcgi@.service etc/wagw-fcgi-live@.service etc/wagw-spawn-fcgi
ETC_SUBST = sed -e 's|@sysconfdir[@]|$(sysconfdir)|g' -e 's|@cgibindir[@]|$(cgibindir)|g'
etc/wagw-fcgi@.service etc/wagw-fcgi-live@.service: $(top_srcdir)/etc/wagw-fcgi.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) etc && $(ETC_SUBST) $(top_srcdir)/etc/wagw-fcgi.service.in > $@.tmp && \
	    mv $@.tmp $@
etc/wagw-spawn-fcgi: $(top_srcdir)/etc/wagw-spawn-fcgi.in Makefile
	$(AM_V_GEN)$(MKDIR_P) etc && $(ETC_SUBST) $(top_srcdir)/etc/wagw-spawn-fcgi.in > $@.tmp && \
	    chmod +x $@.tmp && mv $@.tmp $@
