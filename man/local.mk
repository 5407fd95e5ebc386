# man/: the manual pages, written by hand in mdoc(7); each says what its
# program's --help says, at more length.
dist_man8_MANS = man/wagw-admin.8 man/wagw-sessiond.8
