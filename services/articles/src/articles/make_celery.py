"""What ``celery -A articles.make_celery worker`` loads (the ``articles-worker``)."""

from typing import Any

from celery.signals import worker_ready

from articles.app import create_app
from articles.media.job_metrics import serve_media_metrics
from articles.media.services import job_queue, media_services
from portalkit.celery_app import log_as_json

log_as_json("articles")
flask_app = create_app()
celery_app = job_queue(flask_app)
serve_media_metrics(media_services(flask_app).settings)


@worker_ready.connect
def _sweep(**_: Any) -> None:
    """Drop files a killed worker was writing, old enough that no live worker still is."""
    with flask_app.app_context():
        media_services().storage.sweep(older_than_s=3600)
