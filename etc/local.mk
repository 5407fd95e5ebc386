# Deployment files, each made from its .in with the configured paths
# filled in ($(WAGW_SUBST), Makefile.am): the example configuration under
# $(sysconfdir)/wagw, the rest under $(pkgdatadir).
wagwconfdir = $(sysconfdir)/wagw
wagwconf_DATA = etc/wagw.conf.example
EXTRA_DIST += etc/wagw.conf.example.in
CLEANFILES += etc/wagw.conf.example
etc/wagw.conf.example: $(top_srcdir)/etc/wagw.conf.example.in Makefile
	$(AM_V_GEN)$(MKDIR_P) etc && \
	    $(WAGW_SUBST) $(top_srcdir)/etc/wagw.conf.example.in > $@.tmp $(WAGW_SUBST_DONE)

# The simulated network of the README's first steps (link = sim).
dist_pkgdata_DATA = etc/network.example.json

# The own-user set-up (README.md, "Deployment"): the responders' socket
# units, their service (one file, installed under the name of each pool),
# the daemon's drop-in, and wagw-spawn-fcgi for hosts without systemd.
dist_pkgdata_DATA += etc/wagw-sessiond-own-user.conf
pkgdata_DATA += etc/wagw-fcgi@.service etc/wagw-fcgi-live@.service \
	etc/wagw-fcgi.socket etc/wagw-fcgi-live.socket
pkgdata_SCRIPTS = etc/wagw-spawn-fcgi
EXTRA_DIST += etc/wagw-fcgi.service.in etc/wagw-spawn-fcgi.in \
	etc/wagw-fcgi.socket.in etc/wagw-fcgi-live.socket.in
CLEANFILES += etc/wagw-fcgi@.service etc/wagw-fcgi-live@.service etc/wagw-spawn-fcgi \
	etc/wagw-fcgi.socket etc/wagw-fcgi-live.socket
etc/wagw-fcgi@.service etc/wagw-fcgi-live@.service: $(top_srcdir)/etc/wagw-fcgi.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) etc && \
	    $(WAGW_SUBST) $(top_srcdir)/etc/wagw-fcgi.service.in > $@.tmp $(WAGW_SUBST_DONE)
etc/wagw-fcgi.socket: $(top_srcdir)/etc/wagw-fcgi.socket.in Makefile
	$(AM_V_GEN)$(MKDIR_P) etc && \
	    $(WAGW_SUBST) $(top_srcdir)/etc/wagw-fcgi.socket.in > $@.tmp $(WAGW_SUBST_DONE)
etc/wagw-fcgi-live.socket: $(top_srcdir)/etc/wagw-fcgi-live.socket.in Makefile
	$(AM_V_GEN)$(MKDIR_P) etc && \
	    $(WAGW_SUBST) $(top_srcdir)/etc/wagw-fcgi-live.socket.in > $@.tmp $(WAGW_SUBST_DONE)
etc/wagw-spawn-fcgi: $(top_srcdir)/etc/wagw-spawn-fcgi.in Makefile
	$(AM_V_GEN)$(MKDIR_P) etc && \
	    $(WAGW_SUBST) $(top_srcdir)/etc/wagw-spawn-fcgi.in > $@.tmp && chmod +x $@.tmp \
	    $(WAGW_SUBST_DONE)
