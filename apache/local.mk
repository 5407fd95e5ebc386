# apache/: the Apache 2.4 + mod_fcgid snippets (apache/README.md), installed
# under $(pkgdatadir)/apache.
wagwapachedir = $(pkgdatadir)/apache
dist_wagwapache_DATA = apache/wagw-suexec.conf apache/README.md

# wagw.conf as installed (made in apache/configured/, so that a build in
# the source tree keeps the source): the defaults of WAGW_CGIBIN and
# WAGW_CONFIG are the configured paths.  The source shows Debian's; the
# e2e suite includes it as it is, with its own Defines.
wagwapache_DATA = apache/configured/wagw.conf
EXTRA_DIST += apache/wagw.conf
CLEANFILES += apache/configured/wagw.conf
apache/configured/wagw.conf: $(top_srcdir)/apache/wagw.conf Makefile
	$(AM_V_GEN)$(MKDIR_P) apache/configured && sed \
	    -e 's|^\(	Define WAGW_CGIBIN\) .*|\1 $(cgibindir)|' \
	    -e 's|^\(	Define WAGW_CONFIG\) .*|\1 $(sysconfdir)/wagw/wagw.conf|' \
	    $(top_srcdir)/apache/wagw.conf > $@.tmp && \
	    grep -q '^	Define WAGW_CGIBIN $(cgibindir)$$' $@.tmp && \
	    grep -q '^	Define WAGW_CONFIG $(sysconfdir)/wagw/wagw.conf$$' $@.tmp && \
	    mv $@.tmp $@

# The program wagw-suexec.conf has suexec run: sets WAGW_CONFIG, runs
# wagw.fcgi; with the install paths filled in.
wagwapache_DATA += apache/wagw-suexec-wrapper
EXTRA_DIST += apache/wagw-suexec-wrapper.in
CLEANFILES += apache/wagw-suexec-wrapper
apache/wagw-suexec-wrapper: $(top_srcdir)/apache/wagw-suexec-wrapper.in Makefile
	$(AM_V_GEN)$(MKDIR_P) apache && \
	    $(WAGW_SUBST) $(top_srcdir)/apache/wagw-suexec-wrapper.in > $@.tmp $(WAGW_SUBST_DONE)

# apache/wagw.conf sends the live routes to wagw-live.fcgi, a second name
# of wagw.fcgi, so that mod_fcgid gives them their own process class.
install-data-hook: install-wagw-live-link
uninstall-hook: uninstall-wagw-live-link
install-wagw-live-link:
	$(MKDIR_P) "$(DESTDIR)$(cgibindir)"
	cd "$(DESTDIR)$(cgibindir)" && rm -f wagw-live.fcgi && ln -s wagw.fcgi wagw-live.fcgi
uninstall-wagw-live-link:
	rm -f "$(DESTDIR)$(cgibindir)/wagw-live.fcgi"
.PHONY: install-wagw-live-link uninstall-wagw-live-link
