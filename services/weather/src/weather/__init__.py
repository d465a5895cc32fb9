"""The weather service: current weather of the province's places, fetched on a schedule.

The API app is built by :func:`weather.app.create_app`; Celery's worker and beat load
the same app through :mod:`weather.make_celery`.
"""
