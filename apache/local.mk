# apache/: the Apache 2.4 + mod_fcgid snippet (apache/README.md), installed
# under $(pkgdatadir)/apache.
wagwapachedir = $(pkgdatadir)/apache
dist_wagwapache_DATA = apache/wagw.conf apache/README.md

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
