"""What the app factory builds for the resources, read back typed."""

from __future__ import annotations

from prometheus_client import Counter

from counter.counting import ViewCounter
from portalkit.extensions import AppSlot

view_counter = AppSlot[ViewCounter]("counter.view_counter")
views_metric = AppSlot[Counter]("counter.views_metric")
"""``counter_views_total`` by result: counted, or the reason not."""
