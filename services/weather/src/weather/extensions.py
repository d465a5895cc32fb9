"""What the app factory builds for the resources and tasks, read back typed."""

from __future__ import annotations

from celery import Celery

from portalkit.extensions import AppSlot
from weather.answers import Answers
from weather.fetcher import Fetcher

weather_fetcher = AppSlot[Fetcher]("weather.fetcher")
weather_answers = AppSlot[Answers]("weather.answers")
celery_app = AppSlot[Celery]("celery")
"""Under the key Flask's Celery pattern uses."""
