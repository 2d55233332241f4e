"""Run a command against a throw-away PostgreSQL server.

    python tests/pgrun.py -- python -m pytest -m django_db

starts a private PostgreSQL cluster in a temporary directory, runs the command with
``DATABASE_URL`` pointing at it, then stops the server and deletes the directory, whatever the
command did. The command's exit status is this script's.

Why it looks like this:
- CI and developers run as root, and PostgreSQL refuses to run as root. The server therefore
  runs as an unprivileged account: ``postgres`` when the machine has it, else ``nobody``, else
  a system user created here (``sengen-pg``); ``PGRUN_USER`` picks another. Only the server and initdb drop privileges; the
  command itself runs as the caller.
- The cluster listens on 127.0.0.1 on a free port and on a socket inside its own directory, so
  it never meets a system-wide server; authentication is ``trust`` because nothing else can
  reach it and the directory is deleted afterwards.
- Durability is switched off (fsync, synchronous_commit, full_page_writes): a test database
  that is thrown away needs speed, not crash safety.
- Everything this script says goes to stderr and nothing is printed after the command ends,
  so the output of ``make test`` ends with the test runner's own summary.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

SUPERUSER = "sengen"
START_TIMEOUT = 60  # seconds; a cold start on a busy 2-core CI machine takes a few


def say(message: str) -> None:
    print(f"pgrun: {message}", file=sys.stderr, flush=True)


def find_bindir() -> str:
    """The directory with initdb and postgres: $PG_BINDIR, then Debian's layout (newest
    version first), then whatever is on PATH."""
    candidates = []
    if os.environ.get("PG_BINDIR"):
        candidates.append(os.environ["PG_BINDIR"])
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                         key=lambda p: int(p.split("/")[-2]) if p.split("/")[-2].isdigit() else 0,
                         reverse=True)
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(os.path.dirname(on_path))
    for directory in candidates:
        if os.access(os.path.join(directory, "initdb"), os.X_OK) and os.access(
                os.path.join(directory, "postgres"), os.X_OK):
            return directory
    raise SystemExit("pgrun: PostgreSQL server binaries not found (initdb, postgres). "
                     "Install them (Debian: apt-get install postgresql) or set PG_BINDIR.")


def server_account() -> pwd.struct_passwd | None:
    """The account the server runs as; None when we are not root and can run it ourselves."""
    if os.geteuid() != 0:
        return None
    wanted = os.environ.get("PGRUN_USER")
    for name in ([wanted] if wanted else ["postgres", "nobody"]):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    name = wanted or "sengen-pg"
    subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name],
                   check=True, stdin=subprocess.DEVNULL)
    return pwd.getpwnam(name)


def temp_parent(account: pwd.struct_passwd | None) -> str | None:
    """Where the cluster's directory goes: the usual temp dir, unless the server account could
    not reach into it (a TMPDIR under /root), then /tmp."""
    parent = os.path.realpath(tempfile.gettempdir())
    if account is None:
        return parent
    path = parent
    while path != "/":
        if not os.stat(path).st_mode & 0o001:
            return "/tmp"
        path = os.path.dirname(path)
    return parent


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def as_account(account: pwd.struct_passwd | None) -> dict:
    """subprocess arguments that drop to ``account`` (no-op when None)."""
    if account is None:
        return {}
    return {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}


def server_env(account: pwd.struct_passwd | None, workdir: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env.update({"LC_ALL": "C.UTF-8", "LANG": "C.UTF-8", "TZ": "UTC"})
    if account is not None:
        # root's HOME is unreadable for the server account; initdb looks at it.
        env.update({"HOME": workdir, "USER": account.pw_name, "LOGNAME": account.pw_name})
    return env


def wait_ready(bindir: str, port: int, server: subprocess.Popen, log_path: str) -> None:
    isready = os.path.join(bindir, "pg_isready")
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"PostgreSQL exited with status {server.returncode}:\n{tail(log_path)}")
        ok = subprocess.run([isready, "-q", "-h", "127.0.0.1", "-p", str(port), "-U", SUPERUSER, "-d", "postgres"],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if ok.returncode == 0:
            return
        time.sleep(0.2)
    raise RuntimeError(f"PostgreSQL did not accept connections within {START_TIMEOUT}s:\n{tail(log_path)}")


def tail(path: str, lines: int = 20) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError:
        return "(no server log)"


def stop(server: subprocess.Popen | None) -> None:
    if server is None or server.poll() is not None:
        return
    server.send_signal(signal.SIGINT)  # "fast" shutdown: roll back sessions, exit cleanly
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def main(argv: list[str]) -> int:
    if "--" in argv:
        argv = argv[argv.index("--") + 1:]
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    bindir = find_bindir()
    account = server_account()
    workdir = tempfile.mkdtemp(prefix="sengen-pg-", dir=temp_parent(account))
    server = None
    # A SIGTERM (CI cancelling the job) must still stop the server and delete its files.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        datadir = os.path.join(workdir, "data")
        log_path = os.path.join(workdir, "server.log")
        if account is not None:
            os.chown(workdir, account.pw_uid, account.pw_gid)
        os.chmod(workdir, 0o700)
        env = server_env(account, workdir)
        init = subprocess.run(
            [os.path.join(bindir, "initdb"), "-D", datadir, "-U", SUPERUSER, "--auth=trust",
             "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"],
            cwd=workdir, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True, **as_account(account),
        )
        if init.returncode != 0:
            say(f"initdb failed:\n{init.stdout}")
            return 1
        for attempt in range(5):
            port = free_port()
            with open(log_path, "ab") as log:
                if account is not None:
                    os.chown(log_path, account.pw_uid, account.pw_gid)
                server = subprocess.Popen(
                    [os.path.join(bindir, "postgres"), "-D", datadir, "-p", str(port),
                     "-c", "listen_addresses=127.0.0.1", "-c", f"unix_socket_directories={workdir}",
                     "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
                     "-c", "max_connections=50", "-c", "shared_buffers=64MB"],
                    cwd=workdir, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                    start_new_session=True,  # a Ctrl-C at the terminal goes to the tests, not the server
                    **as_account(account),
                )
            try:
                wait_ready(bindir, port, server, log_path)
                break
            except RuntimeError as exc:
                stop(server)
                server = None
                if attempt == 4:
                    say(str(exc))
                    return 1
        say(f"PostgreSQL {os.path.basename(os.path.dirname(bindir))} on 127.0.0.1:{port} "
            f"(server user {account.pw_name if account else os.environ.get('USER', 'current')}, {workdir})")
        env = dict(os.environ, DATABASE_URL=f"postgres://{SUPERUSER}@127.0.0.1:{port}/postgres")
        # Flushed before the command starts so our lines don't interleave with its output.
        sys.stderr.flush()
        return subprocess.call(argv, env=env)
    finally:
        stop(server)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
