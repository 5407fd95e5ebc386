#!/usr/bin/python3
"""The parts of a Debian host that tests/deploy/run cannot use for real,
played on a scratch root ($WAGW_DEPLOY_ROOT): installed under their own
names in a directory first on PATH, so that the README's commands run as
they are written.

  systemctl   daemon-reload; enable --now, start, restart, reload, stop of
              units in ROOT/etc/systemd/system (User, Group, ExecStart,
              ExecReload, UMask, Environment, RuntimeDirectory and
              StateDirectory under ROOT/run and ROOT/var/lib, with their
              modes; drop-ins NAME.service.d/*.conf), output to the
              "journal" ROOT/var/log/journal/NAME.log with $JOURNAL_STREAM
              set as systemd sets it; apache2 and lighttpd as their Debian
              units start them, on the configuration under ROOT/etc
  apt-get     install: checks that the packages are installed, no more
  lighty-enable-mod  links ROOT/etc/lighttpd/conf-available/NN-NAME.conf
              into conf-enabled, as Debian's does in /etc/lighttpd

Everything it starts is recorded in ROOT/run/fakehost/*.pid; "fakehost.py
stop-all" stops it all."""

import glob
import grp
import os
import pwd
import re
import signal
import socket
import subprocess
import sys
import time

ROOT = os.environ.get("WAGW_DEPLOY_ROOT", "")
STATE = os.path.join(ROOT, "run", "fakehost")


def die(msg):
    print("%s: %s" % (os.path.basename(sys.argv[0]), msg), file=sys.stderr)
    sys.exit(1)


def alive(pid):
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def read_pid(name):
    try:
        with open(os.path.join(STATE, name + ".pid")) as f:
            pid = int(f.read().strip())
    except (OSError, ValueError):
        return None
    return pid if alive(pid) else None


def write_pid(name, pid):
    os.makedirs(STATE, exist_ok=True)
    with open(os.path.join(STATE, name + ".pid"), "w") as f:
        f.write("%d\n" % pid)


def wait_port(port, timeout=15.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.1)
    return False


def wait_gone(pid, timeout=20.0):
    end = time.monotonic() + timeout
    while alive(pid) and time.monotonic() < end:
        time.sleep(0.05)
    if alive(pid):
        os.kill(pid, signal.SIGKILL)


# ---- units ----

def parse_unit(path):
    """{key: [values]} of the [Service] section of path and its drop-ins."""
    keys = {}
    files = [path] + sorted(glob.glob(path + ".d/*.conf"))
    for p in files:
        section = None
        with open(p) as f:
            for line in f:
                line = line.strip()
                if not line or line[0] in "#;":
                    continue
                if line.startswith("["):
                    section = line
                    continue
                if section != "[Service]" or "=" not in line:
                    continue
                k, v = line.split("=", 1)
                keys.setdefault(k.strip(), []).append(v.strip())
    return keys


def last(keys, name, default=None):
    return keys.get(name, [default])[-1]


def journal(name):
    d = os.path.join(ROOT, "var", "log", "journal")
    os.makedirs(d, exist_ok=True)
    return os.path.join(d, name + ".log")


def make_dir(path, uid, gid, mode):
    os.makedirs(path, exist_ok=True)
    os.chown(path, uid, gid)
    os.chmod(path, mode)


def unit_start(name):
    path = os.path.join(ROOT, "etc", "systemd", "system", name + ".service")
    if not os.path.isfile(path):
        die("Unit %s.service not found." % name)
    if read_pid(name):
        return
    keys = parse_unit(path)
    user = last(keys, "User", "root")
    pw = pwd.getpwnam(user)
    group = last(keys, "Group")
    gid = grp.getgrnam(group).gr_gid if group else pw.pw_gid
    for kind, base in (("RuntimeDirectory", "run"), ("StateDirectory", os.path.join("var", "lib"))):
        mode = int(last(keys, kind + "Mode", "0755"), 8)
        for d in " ".join(keys.get(kind, [])).split():
            make_dir(os.path.join(ROOT, base, d), pw.pw_uid, gid, mode)
    argv = last(keys, "ExecStart").split()
    env = dict(os.environ)
    for e in keys.get("Environment", []):
        k, v = e.split("=", 1)
        env[k] = v
    umask = int(last(keys, "UMask", "0022"), 8)
    out = open(journal(name), "ab")
    st = os.fstat(out.fileno())
    env["JOURNAL_STREAM"] = "%d:%d" % (st.st_dev, st.st_ino)

    def drop():
        os.setgid(gid)
        os.initgroups(user, gid)
        os.setuid(pw.pw_uid)
        os.umask(umask)

    p = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=out,
                         stderr=out, preexec_fn=drop, start_new_session=True)
    write_pid(name, p.pid)


def unit_reload(name):
    pid = read_pid(name)
    if pid is None:
        die("%s.service is not active, cannot reload." % name)
    path = os.path.join(ROOT, "etc", "systemd", "system", name + ".service")
    # A signal that comes before its handler would end the process: wait
    # until the unit takes SIGHUP (blocked for a signalfd, or caught).
    end = time.monotonic() + 10
    while time.monotonic() < end:
        with open("/proc/%d/status" % pid) as f:
            st = dict(line.split(":", 1) for line in f if ":" in line)
        if (int(st["SigBlk"], 16) | int(st["SigCgt"], 16)) & 1:
            break
        time.sleep(0.05)
    cmd = last(parse_unit(path), "ExecReload")
    if cmd is None:
        die("%s.service has no ExecReload." % name)
    subprocess.run(cmd.replace("$MAINPID", str(pid)).split(), check=True)


def unit_stop(name):
    pid = read_pid(name)
    if pid is not None:
        os.kill(pid, signal.SIGTERM)
        wait_gone(pid)


# ---- the web servers, as Debian's units run them ----

def apache_env():
    confdir = os.path.join(ROOT, "etc", "apache2")
    env = dict(os.environ, APACHE_CONFDIR=confdir)
    out = subprocess.run(["sh", "-c", '. "$APACHE_CONFDIR/envvars" && env'], env=env,
                         capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        if line.startswith("APACHE_") and "=" in line:
            k, v = line.split("=", 1)
            env[k] = v
    return env, confdir


def port_of(path, pattern):
    with open(path) as f:
        m = re.search(pattern, f.read(), re.M)
    return int(m.group(1)) if m else None


def apache(action):
    env, confdir = apache_env()
    pidfile = env["APACHE_PID_FILE"]
    running = None
    try:
        with open(pidfile) as f:
            running = int(f.read().strip())
        if not alive(running):
            running = None
    except (OSError, ValueError):
        pass
    base = ["apache2", "-d", confdir]
    if action == "stop":
        if running:
            subprocess.run(base + ["-k", "stop"], env=env, capture_output=True)
            wait_gone(running)
        return
    # What Debian's apache2 unit makes before it starts (apache2ctl).
    os.makedirs(env["APACHE_RUN_DIR"], exist_ok=True)
    os.makedirs(env["APACHE_LOCK_DIR"], exist_ok=True)
    t = subprocess.run(base + ["-t"], env=env, capture_output=True, text=True)
    if t.returncode != 0:
        die("apache2 refuses its configuration:\n" + t.stderr)
    if running and action == "restart":
        subprocess.run(base + ["-k", "stop"], env=env)
        wait_gone(running)
        running = None
    subprocess.run(base + ["-k", "graceful" if running else "start"], env=env, check=True)
    port = port_of(os.path.join(confdir, "ports.conf"), r"^Listen\s+\S*?:?(\d+)\s*$")
    # A graceful restart keeps listening; give it a moment to take the new configuration.
    time.sleep(1.0 if running else 0)
    if port and not wait_port(port):
        die("apache2 does not answer on port %d" % port)


def lighttpd(action):
    conf = os.path.join(ROOT, "etc", "lighttpd", "lighttpd.conf")
    pid = read_pid("lighttpd")
    if pid is not None and action in ("stop", "restart", "reload"):
        # Debian's reload is a graceful restart: here, a restart.
        os.kill(pid, signal.SIGTERM)
        wait_gone(pid)
    if action == "stop":
        return
    t = subprocess.run(["lighttpd", "-tt", "-f", conf], capture_output=True, text=True)
    if t.returncode != 0:
        die("lighttpd refuses its configuration:\n" + t.stdout + t.stderr)
    out = open(journal("lighttpd"), "ab")
    st = os.fstat(out.fileno())
    env = dict(os.environ, JOURNAL_STREAM="%d:%d" % (st.st_dev, st.st_ino))
    p = subprocess.Popen(["lighttpd", "-D", "-f", conf], env=env, stdin=subprocess.DEVNULL,
                         stdout=out, stderr=out, start_new_session=True)
    write_pid("lighttpd", p.pid)
    port = port_of(conf, r'^server\.port\s*=\s*(\d+)')
    if port and not wait_port(port):
        die("lighttpd does not answer on port %d" % port)


SERVERS = {"apache2": apache, "lighttpd": lighttpd}


def systemctl(args):
    now = "--now" in args
    args = [a for a in args if not a.startswith("--")]
    if not args:
        die("no command")
    cmd, names = args[0], [re.sub(r"\.service$", "", n) for n in args[1:]]
    if cmd == "daemon-reload":
        return
    for name in names:
        if name in SERVERS:
            if cmd in ("start", "restart", "reload", "stop") or (cmd == "enable" and now):
                SERVERS[name]({"enable": "start"}.get(cmd, cmd))
            continue
        if cmd == "enable":
            if now:
                unit_start(name)
        elif cmd == "start":
            unit_start(name)
        elif cmd == "restart":
            unit_stop(name)
            unit_start(name)
        elif cmd == "reload":
            unit_reload(name)
        elif cmd == "stop":
            unit_stop(name)
        else:
            die("%s: not played here" % cmd)


def apt_get(args):
    pkgs = [a for a in args[1:] if not a.startswith("-")]
    if not args or args[0] != "install":
        die("only install is played here")
    for p in pkgs:
        r = subprocess.run(["dpkg-query", "-W", "-f", "${Status}", p],
                           capture_output=True, text=True)
        if "install ok installed" not in r.stdout:
            die("%s is not installed on this host (scripts/install-deps)" % p)


def lighty_enable_mod(args):
    confdir = os.path.join(ROOT, "etc", "lighttpd")
    for name in args:
        found = glob.glob(os.path.join(confdir, "conf-available", "[0-9][0-9]-%s.conf" % name))
        if not found:
            die("%s: no such module" % name)
        link = os.path.join(confdir, "conf-enabled", os.path.basename(found[0]))
        if not os.path.lexists(link):
            os.symlink(os.path.join("..", "conf-available", os.path.basename(found[0])), link)
            print("Enabling %s: ok" % name)
        else:
            print("already enabled")


def stop_all():
    lighttpd("stop")
    apache("stop")
    for p in glob.glob(os.path.join(STATE, "*.pid")):
        unit_stop(os.path.basename(p)[:-4])


def main():
    if not ROOT or not os.path.isdir(ROOT):
        die("WAGW_DEPLOY_ROOT is not a directory")
    me = os.path.basename(sys.argv[0])
    args = sys.argv[1:]
    if me == "systemctl":
        systemctl(args)
    elif me == "apt-get":
        apt_get(args)
    elif me == "lighty-enable-mod":
        lighty_enable_mod(args)
    elif args == ["stop-all"]:
        stop_all()
    else:
        die("called as %s: nothing to play" % me)


if __name__ == "__main__":
    main()
