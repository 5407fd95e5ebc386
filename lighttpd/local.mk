# lighttpd/: the lighttpd 1.4 + mod_fastcgi snippets (lighttpd/README.md),
# installed under $(pkgdatadir)/lighttpd; the Debian include files
# (50-*.conf) with the configured paths filled in.
wagwlighttpddir = $(pkgdatadir)/lighttpd
dist_wagwlighttpd_DATA = lighttpd/wagw.conf lighttpd/wagw-own-user.conf lighttpd/README.md
wagwlighttpd_DATA = lighttpd/50-wagw.conf lighttpd/50-wagw-own-user.conf
EXTRA_DIST += lighttpd/50-wagw.conf.in lighttpd/50-wagw-own-user.conf.in
CLEANFILES += lighttpd/50-wagw.conf lighttpd/50-wagw-own-user.conf
lighttpd/50-wagw.conf: $(top_srcdir)/lighttpd/50-wagw.conf.in Makefile
	$(AM_V_GEN)$(MKDIR_P) lighttpd && \
	    $(WAGW_SUBST) $(top_srcdir)/lighttpd/50-wagw.conf.in > $@.tmp $(WAGW_SUBST_DONE)
lighttpd/50-wagw-own-user.conf: $(top_srcdir)/lighttpd/50-wagw-own-user.conf.in Makefile
	$(AM_V_GEN)$(MKDIR_P) lighttpd && \
	    $(WAGW_SUBST) $(top_srcdir)/lighttpd/50-wagw-own-user.conf.in > $@.tmp $(WAGW_SUBST_DONE)
