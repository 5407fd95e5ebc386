# Deployment files installed under $(sysconfdir) and $(pkgdatadir).
