"""Real lighttpd and real Apache + mod_fcgid, started on loopback with the
shipped snippets (lighttpd/wagw.conf, apache/wagw.conf).  Each server gets a
tiny top-level configuration written here that sets ports and paths and then
includes the snippet unchanged.

The own-user set-up (--hardened) has its own two: lighttpd connecting to
responders that the shipped etc/wagw-spawn-fcgi starts as RESPONDER_USER
(lighttpd/wagw-own-user.conf), and Apache running them under suexec
(apache/wagw-suexec.conf, with apache/wagw-suexec-wrapper installed under
suexec's document root)."""

import os
import pwd
import grp
import shutil
import signal
import socket
import subprocess
import tempfile
import time

WWW_UID = 33
WWW_GID = 33
# The own-user set-up's responder user and the daemon's group.
RESPONDER_USER = "wagw-web"
RESPONDER_GROUP = "wagw"
SUEXEC_DOCROOT = "/var/www"     # Debian's suexec: AP_DOC_ROOT


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, proc, timeout=10.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return True
        except OSError:
            time.sleep(0.05)
    return False


def chown_www(path):
    os.chown(path, WWW_UID, WWW_GID)


def cgibin_dir(tmp, responder):
    """The installed layout: wagw.fcgi and wagw-live.fcgi -> wagw.fcgi."""
    d = os.path.join(tmp, "cgi-bin")
    os.makedirs(d, exist_ok=True)
    for name in ("wagw.fcgi", "wagw-live.fcgi"):
        p = os.path.join(d, name)
        if os.path.lexists(p):
            os.unlink(p)
    os.symlink(os.path.abspath(responder), os.path.join(d, "wagw.fcgi"))
    os.symlink("wagw.fcgi", os.path.join(d, "wagw-live.fcgi"))
    return d


class Server:
    name = "?"

    def __init__(self, srcdir, tmp, responder, wagw_config, procs, env=None, tag=None):
        self.srcdir = srcdir
        self.dir = os.path.join(tmp, tag or self.name)
        os.makedirs(self.dir, exist_ok=True)
        os.chmod(self.dir, 0o755)
        self.responder = responder
        self.wagw_config = wagw_config
        self.procs = procs
        self.env = dict(os.environ)
        if env:
            self.env.update(env)
        self.proc = None
        self.port = None
        logdir = os.path.join(self.dir, "log")
        os.makedirs(logdir, exist_ok=True)
        chown_www(logdir)
        self.errorlog = os.path.join(logdir, "error.log")
        self.stdout = os.path.join(self.dir, "stdout.log")

    @property
    def base(self):
        return "http://127.0.0.1:%d" % self.port

    def start(self):
        self.port = free_port()
        conf = self.write_config()
        check = subprocess.run(self.check_cmd(conf), env=self.env,
                               capture_output=True, text=True)
        if check.returncode != 0:
            raise RuntimeError("%s rejects its configuration:\n%s%s" %
                               (self.name, check.stdout, check.stderr))
        out = open(self.stdout, "ab")
        self.proc = subprocess.Popen(self.run_cmd(conf), env=self.env,
                                     stdout=out, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        out.close()
        if not wait_port(self.port, self.proc):
            self.stop()
            raise RuntimeError("%s did not start; see %s and %s" %
                               (self.name, self.errorlog, self.stdout))

    def stop(self):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.proc = None

    def logs(self):
        text = ""
        for p in (self.errorlog, self.stdout):
            try:
                with open(p, "r", errors="replace") as f:
                    text += f.read()
            except OSError:
                pass
        return text


class Lighttpd(Server):
    name = "lighttpd"

    def write_config(self):
        www = os.path.join(self.dir, "www")
        sock = os.path.join(self.dir, "sock")
        os.makedirs(www, exist_ok=True)
        os.makedirs(sock, exist_ok=True)
        chown_www(sock)
        conf = os.path.join(self.dir, "lighttpd.conf")
        q = lambda s: '"%s"' % s.replace("\\", "\\\\").replace('"', '\\"')
        with open(conf, "w") as f:
            f.write("\n".join([
                "server.document-root = %s" % q(www),
                "server.bind = \"127.0.0.1\"",
                "server.port = %d" % self.port,
                "server.username = \"www-data\"",
                "server.groupname = \"www-data\"",
                "server.errorlog = %s" % q(self.errorlog),
                "server.max-request-size = 64",
                "server.modules = ( \"mod_access\" )"] + self.snippet_lines(sock, q) + [""]))
        return conf

    def snippet_lines(self, sock, q):
        return ["var.wagw_fcgi = %s" % q(self.responder),
                "var.wagw_config = %s" % q(self.wagw_config),
                "var.wagw_sockdir = %s" % q(sock),
                "var.wagw_procs = %d" % self.procs,
                "var.wagw_live_procs = %d" % self.procs,
                "include %s" % q(os.path.join(self.srcdir, "lighttpd", "wagw.conf"))]

    def check_cmd(self, conf):
        return ["lighttpd", "-tt", "-f", conf]

    def run_cmd(self, conf):
        return ["lighttpd", "-D", "-f", conf]


class Apache(Server):
    name = "apache"
    MODS = "/usr/lib/apache2/modules"

    def write_config(self):
        www = os.path.join(self.dir, "www")
        os.makedirs(www, exist_ok=True)
        cgibin = cgibin_dir(self.dir, self.responder)
        ipc = os.path.join(self.dir, "fcgid")
        conf = os.path.join(self.dir, "httpd.conf")
        mods = ["mpm_event", "authz_core", "alias", "fcgid"] + self.extra_mods
        lines = ["ServerRoot %s" % self.dir,
                 "ServerName 127.0.0.1",
                 "Listen 127.0.0.1:%d" % self.port,
                 "PidFile %s" % os.path.join(self.dir, "httpd.pid"),
                 "Mutex file:%s default" % self.dir,
                 "User www-data",
                 "Group www-data",
                 "ErrorLog %s" % self.errorlog,
                 "LogLevel warn",
                 "DocumentRoot %s" % www]
        lines += ["LoadModule %s_module %s/mod_%s.so" % (m, self.MODS, m) for m in mods]
        # as Debian's apache2.conf: nothing by default, the document root
        # readable (mod_cgi's PATH_TRANSLATED lookup lands there)
        lines += ["<Directory />",
                  "  Options FollowSymLinks",
                  "  AllowOverride None",
                  "  Require all denied",
                  "</Directory>",
                  "<Directory %s>" % www,
                  "  Require all granted",
                  "</Directory>",
                  "FcgidIPCDir %s" % ipc,
                  "FcgidProcessTableFile %s" % os.path.join(self.dir, "fcgid_shm"),
                  "FcgidMinProcessesPerClass 0"]
        for k in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"):
            if k in self.env:
                lines.append("FcgidInitialEnv %s \"%s\"" % (k, self.env[k]))
        lines += self.snippet_lines(cgibin) + [""]
        with open(conf, "w") as f:
            f.write("\n".join(lines))
        return conf

    extra_mods = []

    def snippet_lines(self, cgibin):
        return ["Define WAGW_CGIBIN %s" % cgibin,
                "Define WAGW_CONFIG %s" % self.wagw_config,
                "Define WAGW_PROCS %d" % self.procs,
                "Include %s" % os.path.join(self.srcdir, "apache", "wagw.conf")]

    def check_cmd(self, conf):
        return ["apache2", "-t", "-f", conf]

    def run_cmd(self, conf):
        return ["apache2", "-f", conf, "-D", "FOREGROUND"]


def session_pids(sid, exe):
    """Processes running exe in session sid (a server's descendants)."""
    out = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % name) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            if int(fields[3]) == sid and os.readlink("/proc/%s/exe" % name) == exe:
                out.append(int(name))
        except (OSError, IndexError, ValueError):
            pass
    return out


class LighttpdOwnUser(Lighttpd):
    """lighttpd/wagw-own-user.conf: lighttpd connects by socket to two pools
    that the shipped etc/wagw-spawn-fcgi starts as RESPONDER_USER."""

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.sockdir = os.path.join(self.dir, "fcgi")
        self.fcgi_log = os.path.join(self.dir, "fcgi-log", "fcgi.log")
        self.started = []       # the responders' pids, for stop()

    def snippet_lines(self, sock, q):
        return ["var.wagw_sockdir = %s" % q(self.sockdir),
                "include %s" % q(os.path.join(self.srcdir, "lighttpd", "wagw-own-user.conf"))]

    def spawn(self, action):
        env = dict(self.env, WAGW_CONFIG=self.wagw_config, WAGW_FCGI=self.responder,
                   WAGW_FCGI_USER=RESPONDER_USER, WAGW_FCGI_GROUP=RESPONDER_GROUP,
                   WAGW_FCGI_SOCKDIR=self.sockdir, WAGW_FCGI_LOG=self.fcgi_log,
                   WAGW_PROCS=str(self.procs), WAGW_LIVE_PROCS=str(self.procs))
        p = subprocess.run(["/bin/sh", os.path.join(self.srcdir, "etc", "wagw-spawn-fcgi.in"),
                            action], env=env, capture_output=True, text=True, timeout=60)
        if p.returncode != 0:
            raise RuntimeError("wagw-spawn-fcgi %s: exit %d: %s%s" %
                               (action, p.returncode, p.stdout, p.stderr))

    def start(self):
        self.spawn("start")
        self.started = self.responder_pids()
        try:
            super().start()
        except Exception:
            self.stop()
            raise

    def stop(self):
        super().stop()
        if os.path.isdir(self.sockdir):
            self.spawn("stop")
        # any the script missed (its pid files gone with the directory)
        for pid in self.started:
            try:
                if os.readlink("/proc/%d/exe" % pid) == self.responder:
                    os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        self.started = []

    def responder_pids(self):
        pids = []
        for name in ("wagw-fcgi.pid", "wagw-fcgi-live.pid"):
            with open(os.path.join(self.sockdir, name)) as f:
                pids += [int(x) for x in f.read().split()]
        return [p for p in pids if os.path.exists("/proc/%d" % p)]

    def logs(self):
        text = super().logs()
        try:
            with open(self.fcgi_log, "r", errors="replace") as f:
                text += f.read()
        except OSError:
            pass
        return text


class ApacheSuexec(Apache):
    """apache/wagw-suexec.conf: mod_fcgid starts the responders through
    suexec as RESPONDER_USER; the wrappers live in a directory of their own
    under suexec's document root, removed again by stop()."""
    extra_mods = ["suexec"]

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.suexec_dir = None

    def install_wrappers(self):
        uid = pwd.getpwnam(RESPONDER_USER).pw_uid
        gid = grp.getgrnam(RESPONDER_GROUP).gr_gid
        self.suexec_dir = tempfile.mkdtemp(prefix="wagw-e2e-", dir=SUEXEC_DOCROOT)
        os.chown(self.suexec_dir, uid, gid)
        os.chmod(self.suexec_dir, 0o755)
        with open(os.path.join(self.srcdir, "apache", "wagw-suexec-wrapper.in")) as f:
            text = f.read()
        text = text.replace("@sysconfdir@/wagw/wagw.conf", self.wagw_config).replace(
            "@cgibindir@/wagw.fcgi", self.responder)
        if "@" in text:
            raise RuntimeError("wagw-suexec-wrapper.in: a placeholder the test does not fill")
        for name in ("wagw.fcgi", "wagw-live.fcgi"):
            p = os.path.join(self.suexec_dir, name)
            with open(p, "w") as f:
                f.write(text)
            os.chown(p, uid, gid)
            os.chmod(p, 0o755)

    def snippet_lines(self, cgibin):
        if self.suexec_dir is None:
            self.install_wrappers()
        return ["Define WAGW_SERVERNAME 127.0.0.1",
                "Define WAGW_VHOST 127.0.0.1:%d" % self.port,
                "Define WAGW_SUEXEC_DIR %s" % self.suexec_dir,
                "Define WAGW_USER %s" % RESPONDER_USER,
                "Define WAGW_GROUP %s" % RESPONDER_GROUP,
                "Define WAGW_PROCS %d" % self.procs,
                "Include %s" % os.path.join(self.srcdir, "apache", "wagw-suexec.conf")]

    def start(self):
        try:
            super().start()
        except Exception:
            self.stop()         # the wrappers go, whatever happened
            raise

    def stop(self):
        try:
            super().stop()
        finally:
            if self.suexec_dir is not None:
                shutil.rmtree(self.suexec_dir, ignore_errors=True)
                self.suexec_dir = None

    def responder_pids(self):
        if self.proc is None:
            return []
        return session_pids(self.proc.pid, self.responder)


SERVERS = {"lighttpd": Lighttpd, "apache": Apache}
HARDENED = {"lighttpd": LighttpdOwnUser, "apache": ApacheSuexec}
