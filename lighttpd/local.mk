# lighttpd/: the lighttpd 1.4 + mod_fastcgi snippet (lighttpd/README.md),
# installed under $(pkgdatadir)/lighttpd.
wagwlighttpddir = $(pkgdatadir)/lighttpd
dist_wagwlighttpd_DATA = lighttpd/wagw.conf lighttpd/50-wagw.conf \
	lighttpd/wagw-own-user.conf lighttpd/50-wagw-own-user.conf lighttpd/README.md
