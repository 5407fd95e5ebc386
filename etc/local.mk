# Deployment files: the example configuration under $(sysconfdir)/wagw.
wagwconfdir = $(sysconfdir)/wagw
dist_wagwconf_DATA = etc/wagw.conf.example

