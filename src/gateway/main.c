/*
 * wagw.fcgi: the FastCGI responder.  Started by the web server (Apache
 * mod_fcgid, lighttpd mod_fastcgi with bin-path) with the listening
 * socket as fd 0, or by hand with --listen.  One request at a time.
 *
 * SIGTERM and SIGUSR1 end the process between requests.  They stay
 * blocked except inside ppoll(), which waits for the next connection
 * and atomically unblocks them: a signal that arrives while a request
 * is served is taken when it is done, and one that arrives while idle
 * ends the wait at once (no blocked accept() to interrupt).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <fcgiapp.h>

#include "common/config.h"
#include "common/log.h"
#include "gateway/accesslog.h"
#include "gateway/dispatch.h"
#include "gateway/gateway.h"
#include "gateway/request.h"
#include "gateway/response.h"

static volatile sig_atomic_t main_stop;

static void
main_on_signal(int sig)
{
	(void)sig;
	main_stop = 1;
}

static void
usage(void)
{
	fprintf(stderr, "usage: wagw.fcgi [--config FILE] [--listen PATH|:PORT]\n"
	    "Started by a web server, the listening socket is fd 0.\n");
	exit(1);
}

static int64_t
main_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Blocks SIGTERM and SIGUSR1, handled; *waitmask unblocks them. */
static int
main_signals(sigset_t *waitmask)
{
	struct sigaction sa;
	sigset_t block;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = main_on_signal;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: the wait must end. */
	if (sigaction(SIGTERM, &sa, NULL) != 0 ||
	    sigaction(SIGUSR1, &sa, NULL) != 0)
		return -1;
	/* A client gone mid-answer is a failed write, not a dead process. */
	sa.sa_handler = SIG_IGN;
	if (sigaction(SIGPIPE, &sa, NULL) != 0)
		return -1;
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGUSR1);
	if (sigprocmask(SIG_BLOCK, &block, waitmask) != 0)
		return -1;
	sigdelset(waitmask, SIGTERM);
	sigdelset(waitmask, SIGUSR1);
	return 0;
}

/*
 * Reads the body the request announced (at most REQUEST_BODY_MAX bytes;
 * a larger one is refused unread, and libfcgi discards the rest).
 */
static void
main_body(struct request *req, FCGX_Request *fr, char *buf)
{
	int n;

	if (req->content_length <= 0 || req->body_too_large)
		return;
	n = FCGX_GetStr(buf, (int)req->content_length, fr->in);
	if (n < 0 || (long long)n != req->content_length) {
		req->body_short = 1;
		return;
	}
	req->body = buf;
	req->body_len = (size_t)n;
}

static void
main_serve(struct gateway *gw, FCGX_Request *fr)
{
	static char body[REQUEST_BODY_MAX];
	struct request req;
	struct response r;
	struct auth_principal p;
	int64_t start = main_now_us();
	char head[RESPONSE_HEAD_MAX];
	size_t hlen, blen;

	request_from_env(&req, fr->envp);
	main_body(&req, fr, body);
	response_init(&r);
	dispatch(gw, &req, &r, &p);
	/* The whole answer exists before a byte of it is written. */
	hlen = response_head(&r, head);
	blen = req.method == REQUEST_HEAD ? 0 : r.body_len;
	if (FCGX_PutStr(head, (int)hlen, fr->out) != (int)hlen ||
	    (blen > 0 && FCGX_PutStr(r.body, (int)blen, fr->out) != (int)blen))
		log_warnx("%s: cannot write the answer", req.id);
	/* req borrows fr's environment, which FCGX_Finish_r frees. */
	accesslog_write(&req, &r, &p, main_now_us() - start);
	response_free(&r);
	FCGX_Finish_r(fr);
	gateway_after_request(gw);
}

int
main(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "listen", required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 }
	};
	const char *config_arg = NULL, *listen_arg = NULL;
	struct config *cfg = NULL;
	struct gateway *gw = NULL;
	FCGX_Request fr;
	sigset_t waitmask;
	struct pollfd pfd;
	char err[CONFIG_PATH_MAX + 256];
	int ch, fd = 0, rc, status = 1, flags;

	log_init("wagw.fcgi", LOG_LEVEL_INFO);
	log_timestamps();
	while ((ch = getopt_long(argc, argv, "c:l:", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			config_arg = optarg;
			break;
		case 'l':
			listen_arg = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();

	/* Everything that does not change per request, once. */
	if ((cfg = malloc(sizeof(*cfg))) == NULL) {
		log_warnx("out of memory");
		goto out;
	}
	if (config_load(cfg, config_path(config_arg), err, sizeof(err)) != 0) {
		log_warnx("%s", err);
		goto out;
	}
	if (request_id_init() != 0 || (gw = gateway_new(cfg)) == NULL) {
		log_warnx("cannot start: out of memory or no randomness");
		goto out;
	}
	/* The database may not exist yet: then requests get 503 until it does. */
	(void)gateway_backend(gw);

	if (FCGX_Init() != 0) {
		log_warnx("cannot initialize libfcgi");
		goto out;
	}
	if (main_signals(&waitmask) != 0) {
		log_warn("signals");
		goto out;
	}
	if (listen_arg != NULL) {
		if ((fd = FCGX_OpenSocket(listen_arg, 64)) < 0) {
			log_warnx("cannot listen on %s", listen_arg);
			goto out;
		}
	} else if (FCGX_IsCGI()) {
		log_warnx("not started as a FastCGI responder (fd 0 is not a "
		    "listening socket); use --listen or a FastCGI web server");
		goto out;
	}
	/*
	 * Non-blocking accept: with several processes on one socket, another
	 * may take the connection ppoll() announced; we then wait again.
	 */
	if ((flags = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, flags | O_NONBLOCK) == -1) {
		log_warn("listening socket");
		goto out;
	}
	if (FCGX_InitRequest(&fr, fd, 0) != 0) {
		log_warnx("cannot set up a request");
		goto out;
	}
	log_info("ready (config %s)", cfg->path);
	while (!main_stop) {
		/* A kept connection (FCGI_KEEP_CONN) brings the next request. */
		pfd.fd = fr.ipcFd >= 0 ? fr.ipcFd : fd;
		pfd.events = POLLIN;
		if (ppoll(&pfd, 1, NULL, &waitmask) == -1) {
			if (errno == EINTR)
				continue;
			log_warn("ppoll");
			break;
		}
		if ((rc = FCGX_Accept_r(&fr)) < 0) {
			if (rc == -EAGAIN || rc == -EWOULDBLOCK || rc == -EINTR ||
			    rc == -ECONNABORTED)
				continue;
			log_warnx("accept: %s", strerror(-rc));
			break;
		}
		main_serve(gw, &fr);
	}
	if (main_stop)
		log_info("signal received, exiting");
	FCGX_Free(&fr, 1);
	status = main_stop ? 0 : 1;
out:
	gateway_free(gw);
	free(cfg);
	return status;
}
