"""gunicorn settings shared by every API process (Procfile, Dockerfiles, benchmarks).

Read with ``gunicorn -c python:portalkit.gunicorn_conf``; the bind address comes
from the command line.
"""

import os

workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread" if threads > 1 else "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 10
keepalive = 5
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))
max_requests_jitter = max_requests // 10
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn's control socket defaults to one path per user, which several servers on one
# host (the Procfile) would share; nothing here uses it.
control_socket_disable = True
