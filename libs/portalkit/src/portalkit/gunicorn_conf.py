"""gunicorn settings shared by every API process (Procfile, Dockerfiles, benchmarks).

Read with ``gunicorn -c python:portalkit.gunicorn_conf``; the bind address comes
from the command line.
"""

import os

workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# gthread, except that a request reaches a thread only once its head has arrived, and
# gunicorn's own errors are problem+json (portalkit/gunicorn_worker.py).
worker_class = "portalkit.gunicorn_worker.GuardedThreadWorker"
read_timeout = float(os.environ.get("HTTP_READ_TIMEOUT_S", "10"))
"""Seconds a client has to send a request's head, and each piece of its body; a slower
one is disconnected. Read by the worker, not by gunicorn."""
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
