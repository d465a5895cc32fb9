"""What ``celery -A weather.make_celery worker`` and ``... beat`` load."""

from weather import create_app

flask_app = create_app()
celery_app = flask_app.extensions["celery"]
