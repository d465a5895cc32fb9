"""What ``celery -A weather.make_celery worker`` and ``... beat`` load."""

from weather.app import create_app
from weather.extensions import celery_app as celery_of
from weather.worker_metrics import serve_weather_metrics

flask_app = create_app()
celery_app = celery_of(flask_app)
serve_weather_metrics(flask_app)
