"""Counting views and reading counts: the counter's domain, shared by API and tests.

A view is screened in Python (crawler, excluded address), then one Lua script does the
rest atomically in Redis; a batch is the same script called once with every view.
"""

from __future__ import annotations

from collections import Counter as Tally
from collections.abc import Iterable, Iterator, Sequence
from importlib.resources import files
from typing import Any, NamedTuple

import redis
from redis.commands.core import Script
from redis.exceptions import NoScriptError

from counter import keys
from counter.clock import Clock, days_back, local_day, system_clock
from counter.settings import Settings
from counter.visitors import (
    Address,
    Salts,
    address_digest,
    anonymous_digest,
    cookie_digest,
    in_networks,
    is_crawler,
)

CRAWLER = "crawler"
EXCLUDED = "excluded"
NOT_PUBLISHED = "not_published"
DUPLICATE = "duplicate"
_STATUS_REASONS = {"1": None, "0": DUPLICATE, "2": NOT_PUBLISHED}
"""What record_views.lua's status of a view means; "3" is the reason found before."""
REASONS = (CRAWLER, EXCLUDED, NOT_PUBLISHED, DUPLICATE)
WINDOWS = ("day", "week", "month", "all")
WINDOW_DAYS = {"week": 7, "month": 30}


def _lua(name: str) -> str:
    return files("counter").joinpath("lua", name).read_text(encoding="utf-8")


class View(NamedTuple):
    """One page view as the counter receives it (a tuple: a batch makes a thousand)."""

    article_id: int
    address: Address | None
    user_agent: str = ""
    visitor_id: str | None = None


class Outcome(NamedTuple):
    article_id: int
    views: int
    counted: bool
    reason: str | None


class RateLimited(Exception):
    """The address has used its requests for this minute."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"rate limited; retry after {retry_after}s")
        self.retry_after = retry_after


class ViewCounter:
    """Counts views and answers counts and rankings from one Redis database."""

    def __init__(self, client: redis.Redis, settings: Settings, clock: Clock = system_clock):
        self.client = client
        self.settings = settings
        self.clock = clock
        self.salts = Salts(client, settings.salt_secret)
        self._record = client.register_script(_lua("record_views.lua"))
        self._top = client.register_script(_lua("top.lua"))
        # What record_views.lua needs that changes only with the settings, as one argument.
        self._record_settings = " ".join(
            str(value)
            for value in (
                keys.ARTICLE_PREFIX,
                settings.count_window_s,
                settings.day_keep_days * 86400,
                keys.RANK_ALL,
                settings.rate_limit_per_min,
            )
        )

    def _run(self, script: Script, args: list[str]) -> Any:
        """EVALSHA straight through the client (``Script.__call__`` costs ~15% more in
        Python on the busiest route); the first call after a Redis restart loads it."""
        try:
            return self.client.execute_command("EVALSHA", script.sha, 0, *args)
        except NoScriptError:
            return script(keys=[], args=args)

    # counting -------------------------------------------------------------------

    def screen(self, view: View) -> str | None:
        """Why a view is not counted before Redis is asked, or None."""
        if is_crawler(view.user_agent):
            return CRAWLER
        excluded = self.settings.count_exclude_ips
        if excluded and view.address is not None and in_networks(view.address, excluded):
            return EXCLUDED
        return None

    def record(
        self, views: Sequence[View], rate_limit_address: Address | None = None
    ) -> list[Outcome]:
        """Count ``views`` in one round trip; raises :class:`RateLimited` when over the rate."""
        statuses, befores, screened = self._call(views, rate_limit_address)
        # Each article's views before the call, in the order the views first name it;
        # a view's total is that plus the article's views counted up to and with it.
        totals: dict[int, int] = {}
        outcomes = []
        for view, status, found in zip(views, statuses, screened, strict=True):
            article_id = view.article_id
            total = totals.get(article_id)
            if total is None:
                total = int(next(befores))
            if status == "1":
                total += 1
            totals[article_id] = total
            reason = found if status == "3" else _STATUS_REASONS[status]
            outcomes.append(Outcome(article_id, total, reason is None, reason))
        return outcomes

    def record_batch(self, views: Sequence[View]) -> dict[str, int]:
        """Count ``views`` in one round trip as :meth:`record` does, answering only how
        many were counted (``"counted"``) and how many were not, by reason: a log
        shipper's batch needs no answer per view, and making one costs a tenth of it."""
        statuses, _befores, screened = self._call(views, None)
        tally = Tally(reason for reason in screened if reason is not None)
        for status, result in (("1", "counted"), ("0", DUPLICATE), ("2", NOT_PUBLISHED)):
            number = statuses.count(status)
            if number:
                tally[result] = number
        return dict(tally)

    def _call(
        self, views: Sequence[View], rate_limit_address: Address | None
    ) -> tuple[str, Iterator[str], list[str | None]]:
        """record_views.lua's statuses and views before (see the script) for ``views``,
        and why each view was screened out, or None; raises :class:`RateLimited`."""
        today = local_day(self.clock())
        salt = self.salts.for_day(today)
        args: list[str] = [
            self._record_settings,
            keys.day(today),
            keys.rate(address_digest(salt, rate_limit_address)) if rate_limit_address else "",
        ]
        screened: list[str | None] = []
        lines = []
        # A log shipper's batch holds each reader's few pages in a row: a reader's
        # digest is made once a batch (it is most of a batch's Python time).
        anonymous: dict[tuple[Address | None, str], str] = {}
        for view in views:
            reason = self.screen(view)
            screened.append(reason)
            if reason is not None:
                lines.append(f"{view.article_id}  {reason}\n")
                continue
            if view.visitor_id:
                digest = cookie_digest(view.visitor_id)
            else:
                reader = (view.address, view.user_agent)
                digest = anonymous.get(reader)
                if digest is None:
                    digest = anonymous[reader] = anonymous_digest(salt, *reader)
            lines.append(f"{view.article_id} {digest} \n")
        args.append("".join(lines))
        reply = self._run(self._record, args).split(" ")
        if int(reply[0]) > 0:
            raise RateLimited(int(reply[0]))
        return reply[1], iter(reply[2:]), screened

    def set_views(self, article_id: int, views: int) -> int:
        """Set a total (migration from an older system); the all-time ranking follows."""
        pipe = self.client.pipeline(transaction=True)
        pipe.set(keys.views(article_id), views)
        pipe.zadd(keys.RANK_ALL, {str(article_id): views})
        pipe.execute()
        return views

    # reading --------------------------------------------------------------------

    def count(self, article_id: int) -> dict[str, int]:
        today = local_day(self.clock())
        pipe = self.client.pipeline(transaction=False)
        pipe.get(keys.views(article_id))
        pipe.pfcount(keys.visitors(article_id))
        pipe.zscore(keys.day(today), str(article_id))
        total, unique, today_views = pipe.execute()
        return {
            "article_id": article_id,
            "views": int(total or 0),
            "unique_visitors": int(unique or 0),
            "today": int(today_views or 0),
        }

    def counts(self, article_ids: Iterable[int]) -> dict[int, int]:
        ids = list(dict.fromkeys(article_ids))
        if not ids:
            return {}
        values = self.client.mget([keys.views(article_id) for article_id in ids])
        return {article_id: int(value or 0) for article_id, value in zip(ids, values, strict=True)}

    def top(self, window: str, limit: int) -> list[dict[str, int]]:
        """Most viewed published articles: ``day``, ``week`` (7 days), ``month`` (30), ``all``.

        Windows are calendar days in Asia/Ho_Chi_Minh ending today. Week and month are
        merged from the day sets and the merge is kept ``RANKING_CACHE_S`` seconds.
        """
        today = local_day(self.clock())
        sources: list[str] = []
        if window == "all":
            target = keys.RANK_ALL
        elif window == "day":
            target = keys.day(today)
        else:
            target = keys.top(window, today)
            sources = [keys.day(day) for day in days_back(today, WINDOW_DAYS[window])]
        reply = self._top(
            keys=[],
            args=[target, self.settings.ranking_cache_s, limit, keys.ARTICLE_PREFIX, *sources],
        )
        return [
            {"article_id": int(reply[i]), "views": int(float(reply[i + 1]))}
            for i in range(0, len(reply), 2)
        ]
