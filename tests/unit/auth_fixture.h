/*
 * auth_fixture: what the auth module's unit tests share - a temp dir,
 * keys made there by the openssl command line, JWKS files and tokens
 * made by tests/tools/jwks_make.py and jwt_sign.py (python3-cryptography,
 * an implementation that is not ours), and stderr capture for log lines.
 */
#ifndef WAGW_AUTH_FIXTURE_H
#define WAGW_AUTH_FIXTURE_H

#include <stddef.h>

/* A token request: name for lookups, one jwt_sign.py --batch JSON line. */
struct fx_token {
	const char	*name;
	const char	*request;	/* "key" paths are relative to the temp dir */
	char		*token;		/* filled by fx_sign */
};

/* Makes the temp dir (exits on failure); fx_done removes it. */
void fx_init(void);
void fx_done(void);
const char *fx_dir(void);
/* fx_dir()/name in a static rotating buffer (8 live at a time). */
const char *fx_path(const char *name);

/*
 * Makes name.pem (private) and name.pub.pem with openssl genpkey.
 * spec: rsa2048, rsa1024, P-256, P-384, P-521, ed25519.
 */
void fx_keygen(const char *name, const char *spec);
/* Runs jwks_make.py with args (relative to the temp dir) into file. */
void fx_jwks(const char *file, const char *args);
/* Signs every request of t (n entries) in one jwt_sign.py run. */
void fx_sign(struct fx_token *t, size_t n);
/* The token named name in t; aborts the test when absent. */
const char *fx_tok(const struct fx_token *t, size_t n, const char *name);

void fx_write(const char *file, const char *text);
/* Writes file atomically (temp + rename), as jwks_fetch does. */
void fx_replace(const char *file, const char *text);

/* Redirects stderr to a file until fx_capture_end, which returns its text (caller frees). */
void fx_capture_begin(void);
char *fx_capture_end(void);

#endif
