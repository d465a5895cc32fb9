"""What ``celery -A articles.make_celery worker`` loads (the ``articles-worker``)."""

from articles.app import create_app

flask_app = create_app()
celery_app = flask_app.extensions["celery"]
