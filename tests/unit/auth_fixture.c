#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "auth_fixture.h"

static char fx_tmp[256];
static char fx_tools[4096];
static int fx_saved_stderr = -1;

static void
fx_die(const char *what)
{
	fprintf(stderr, "auth_fixture: %s failed\n", what);
	exit(99);	/* automake: hard error */
}

void
fx_init(void)
{
	const char *t = getenv("TMPDIR"), *src = getenv("srcdir");

	snprintf(fx_tmp, sizeof(fx_tmp), "%s/wagw-auth-XXXXXX", t ? t : "/tmp");
	if (mkdtemp(fx_tmp) == NULL)
		fx_die("mkdtemp");
	/* automake's driver exports srcdir (the top of the source tree). */
	if (src == NULL)
		src = ".";
	if (src[0] == '/')
		snprintf(fx_tools, sizeof(fx_tools), "%s/tests/tools", src);
	else {
		char cwd[2048];

		if (getcwd(cwd, sizeof(cwd)) == NULL)
			fx_die("getcwd");
		snprintf(fx_tools, sizeof(fx_tools), "%s/%s/tests/tools", cwd, src);
	}
}

void
fx_done(void)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx_tmp);
	if (fx_tmp[0] != '\0' && system(cmd) != 0)
		fprintf(stderr, "auth_fixture: cannot remove %s\n", fx_tmp);
}

const char *
fx_dir(void)
{
	return fx_tmp;
}

const char *
fx_path(const char *name)
{
	static char buf[8][4096 + 512];
	static int i;

	i = (i + 1) % 8;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", fx_tmp, name);
	return buf[i];
}

static void
fx_sh(const char *cmd)
{
	char full[16384];

	snprintf(full, sizeof(full), "cd '%s' && %s", fx_tmp, cmd);
	if (system(full) != 0) {
		fprintf(stderr, "auth_fixture: command failed: %s\n", cmd);
		exit(99);
	}
}

void
fx_keygen(const char *name, const char *spec)
{
	char cmd[1024];
	const char *opt;

	if (strcmp(spec, "rsa2048") == 0)
		opt = "-algorithm RSA -pkeyopt rsa_keygen_bits:2048";
	else if (strcmp(spec, "rsa1024") == 0)
		opt = "-algorithm RSA -pkeyopt rsa_keygen_bits:1024";
	else if (strcmp(spec, "ed25519") == 0)
		opt = "-algorithm ED25519";
	else if (strcmp(spec, "P-256") == 0)
		opt = "-algorithm EC -pkeyopt ec_paramgen_curve:P-256";
	else if (strcmp(spec, "P-384") == 0)
		opt = "-algorithm EC -pkeyopt ec_paramgen_curve:P-384";
	else if (strcmp(spec, "P-521") == 0)
		opt = "-algorithm EC -pkeyopt ec_paramgen_curve:P-521";
	else
		fx_die(spec);
	snprintf(cmd, sizeof(cmd), "openssl genpkey %s -out %s.pem 2>/dev/null && "
	    "openssl pkey -in %s.pem -pubout -out %s.pub.pem", opt, name, name, name);
	fx_sh(cmd);
}

void
fx_jwks(const char *file, const char *args)
{
	char cmd[12288];

	snprintf(cmd, sizeof(cmd), "/usr/bin/python3 '%s/jwks_make.py' %s > %s",
	    fx_tools, args, file);
	fx_sh(cmd);
}

void
fx_sign(struct fx_token *t, size_t n)
{
	char cmd[8192], line[16384];
	FILE *f;
	size_t i;

	snprintf(cmd, sizeof(cmd), "%s/requests.jsonl", fx_tmp);
	if ((f = fopen(cmd, "w")) == NULL)
		fx_die("fopen requests");
	for (i = 0; i < n; i++)
		fprintf(f, "%s\n", t[i].request);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "cd '%s' && /usr/bin/python3 '%s/jwt_sign.py' "
	    "--batch < requests.jsonl", fx_tmp, fx_tools);
	if ((f = popen(cmd, "r")) == NULL)
		fx_die("popen jwt_sign.py");
	for (i = 0; i < n; i++) {
		if (fgets(line, sizeof(line), f) == NULL)
			fx_die("jwt_sign.py output");
		line[strcspn(line, "\n")] = '\0';
		if ((t[i].token = strdup(line)) == NULL)
			fx_die("strdup");
	}
	if (pclose(f) != 0)
		fx_die("jwt_sign.py");
}

const char *
fx_tok(const struct fx_token *t, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(t[i].name, name) == 0)
			return t[i].token;
	ck_abort_msg("no token named %s", name);
	return NULL;
}

void
fx_write(const char *file, const char *text)
{
	FILE *f;

	if ((f = fopen(fx_path(file), "w")) == NULL)
		fx_die("fopen");
	fputs(text, f);
	if (fclose(f) != 0)
		fx_die("fclose");
}

void
fx_replace(const char *file, const char *text)
{
	char tmp[64];

	snprintf(tmp, sizeof(tmp), ".%s.tmp", file);
	fx_write(tmp, text);
	if (rename(fx_path(tmp), fx_path(file)) == -1)
		fx_die("rename");
}

void
fx_capture_begin(void)
{
	int fd = -1;

	fflush(stderr);
	if ((fx_saved_stderr = dup(2)) == -1 ||
	    (fd = open(fx_path("stderr.txt"), O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1 ||
	    dup2(fd, 2) == -1)
		fx_die("capture");
	close(fd);
}

char *
fx_capture_end(void)
{
	char *buf;
	FILE *f;
	long n;

	fflush(stderr);
	if (dup2(fx_saved_stderr, 2) == -1)
		fx_die("capture end");
	close(fx_saved_stderr);
	if ((f = fopen(fx_path("stderr.txt"), "r")) == NULL)
		fx_die("capture read");
	if ((buf = calloc(1, 65536)) == NULL)
		fx_die("calloc");
	n = (long)fread(buf, 1, 65535, f);
	buf[n] = '\0';
	fclose(f);
	/* Show what was captured too, for the test's .log file. */
	fputs(buf, stderr);
	return buf;
}
