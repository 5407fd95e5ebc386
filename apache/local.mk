# apache/: the Apache 2.4 + mod_fcgid snippet (apache/README.md), installed
# under $(pkgdatadir)/apache.
wagwapachedir = $(pkgdatadir)/apache
dist_wagwapache_DATA = apache/wagw.conf apache/wagw-suexec.conf apache/README.md

# The program wagw-suexec.conf has suexec run: sets WAGW_CONFIG, runs
# wagw.fcgi; with the install paths filled in.
wagwapache_DATA = apache/wagw-suexec-wrapper
EXTRA_DIST += apache/wagw-suexec-wrapper.in
CLEANFILES += apache/wagw-suexec-wrapper
apache/wagw-suexec-wrapper: $(top_srcdir)/apache/wagw-suexec-wrapper.in Makefile
	$(AM_V_GEN)$(MKDIR_P) apache && sed -e 's|@sysconfdir[@]|$(sysconfdir)|g' \
	    -e 's|@cgibindir[@]|$(cgibindir)|g' $(top_srcdir)/apache/wagw-suexec-wrapper.in \
	    > $@.tmp && mv $@.tmp $@

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
