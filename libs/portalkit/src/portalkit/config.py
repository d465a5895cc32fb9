"""Settings from the environment.

Every setting has a working default for local runs. A value that cannot be parsed
raises :class:`ConfigError`; entry points call :func:`load_or_exit` so the process
stops at start with one line that names the variable. Every setting ``NAME`` may
instead be read from a file named by ``NAME_FILE`` (how Compose, Swarm and Kubernetes
hand over secrets).
"""

from __future__ import annotations

import ipaddress
import logging
import os
import signal
import sys
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Self, TypeVar
from urllib.parse import quote, urlparse, urlsplit, urlunsplit

from portalkit.scopes import SCOPES

T = TypeVar("T")


class ConfigError(ValueError):
    """A setting whose value cannot be used."""

    def __init__(self, name: str, value: str | None, reason: str) -> None:
        shown = "" if value is None else f"={value!r}"
        super().__init__(f"invalid setting {name}{shown}: {reason}")
        self.name = name


def env(
    name: str,
    default: T | str,
    parse: Callable[[str], T] = str,  # type: ignore[assignment]
    environ: Mapping[str, str] | None = None,
    *,
    secret: bool = False,
) -> T:
    """Read ``name`` from the environment, parsed by ``parse``; ``default`` when unset or empty.

    ``NAME_FILE``, when set, names a file that holds the value instead. The error of a
    ``secret`` setting leaves its value out.
    """
    raw = raw_value(name, os.environ if environ is None else environ)
    if raw == "":
        if not isinstance(default, str):
            return default
        raw = default
    try:
        return parse(raw)
    except (ValueError, TypeError) as exc:
        shown = None if secret else raw
        raise ConfigError(name, shown, str(exc) or type(exc).__name__) from None


def raw_value(name: str, source: Mapping[str, str]) -> str:
    """``name``'s text: from the environment, or from the file ``NAME_FILE`` names (its
    trailing newline removed). Setting both is an error, as the one meant is unclear."""
    raw = source.get(name, "").strip()
    path = source.get(f"{name}_FILE", "").strip()
    if not path:
        return raw
    if raw:
        raise ConfigError(f"{name}_FILE", path, f"{name} is set too; set one or the other")
    try:
        return Path(path).read_text(encoding="utf-8").rstrip("\r\n")
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or type(exc).__name__
        raise ConfigError(f"{name}_FILE", path, f"cannot read it: {reason}") from None


def with_password(url: str, password: str, name: str) -> str:
    """``url`` with ``password`` put in, so a secret need not sit inside a URL setting.

    ``name`` is the password's setting, named when the URL carries a password already.
    """
    if not password:
        return url
    parts = urlsplit(url)
    if parts.password is not None:
        raise ConfigError(name, "***", "the URL it completes has a password already")
    user = quote(parts.username or "", safe="")
    host = parts.netloc.rpartition("@")[2]
    netloc = f"{user}:{quote(password, safe='')}@{host}"
    return urlunsplit(parts._replace(netloc=netloc))


def integer(minimum: int | None = None, maximum: int | None = None) -> Callable[[str], int]:
    """A parser for whole numbers within bounds."""

    def parse(raw: str) -> int:
        try:
            value = int(raw)
        except ValueError:
            raise ValueError("not a whole number") from None
        if minimum is not None and value < minimum:
            raise ValueError(f"must be at least {minimum}")
        if maximum is not None and value > maximum:
            raise ValueError(f"must be at most {maximum}")
        return value

    return parse


def number(minimum: float | None = None) -> Callable[[str], float]:
    """A parser for decimal numbers."""

    def parse(raw: str) -> float:
        try:
            value = float(raw)
        except ValueError:
            raise ValueError("not a number") from None
        if value != value or (minimum is not None and value < minimum):
            raise ValueError(f"must be a number of at least {minimum}")
        return value

    return parse


def boolean(raw: str) -> bool:
    lowered = raw.lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ValueError("expected true or false")


def redis_url(raw: str) -> str:
    parsed = urlparse(raw)
    if parsed.scheme not in {"redis", "rediss", "unix"}:
        raise ValueError("expected redis://host:port/db, rediss:// or unix://")
    if parsed.scheme != "unix" and not parsed.hostname:
        raise ValueError("no host")
    try:
        parsed.port  # noqa: B018 - raises on a bad port
    except ValueError:
        raise ValueError("bad port") from None
    return raw


def http_url(raw: str) -> str:
    parsed = urlparse(raw)
    if parsed.scheme not in {"http", "https"} or not parsed.hostname:
        raise ValueError("expected an http:// or https:// URL")
    try:
        parsed.port  # noqa: B018
    except ValueError:
        raise ValueError("bad port") from None
    return raw.rstrip("/")


def origins(raw: str) -> tuple[str, ...]:
    """Comma-separated web origins (``scheme://host[:port]``, no path), as browsers send them."""
    result = []
    for item in raw.split(","):
        item = item.strip().rstrip("/")
        if not item:
            continue
        parsed = urlparse(item)
        if parsed.scheme not in {"http", "https"} or not parsed.hostname or parsed.path:
            raise ValueError(f"{item!r} is not an origin like https://tin.example.vn")
        try:
            port = parsed.port
        except ValueError:
            raise ValueError(f"{item!r} has a bad port") from None
        host = parsed.hostname if ":" not in parsed.hostname else f"[{parsed.hostname}]"
        result.append(f"{parsed.scheme}://{host}" + (f":{port}" if port else ""))
    return tuple(dict.fromkeys(result))


def database_url(raw: str) -> str:
    scheme = urlparse(raw).scheme
    if not scheme.startswith(("sqlite", "postgresql", "postgres")):
        raise ValueError("expected sqlite:///path or postgresql://...")
    return raw


def _token_entries(raw: str) -> list[tuple[str, str, frozenset[str] | None]]:
    """``name:secret`` or ``name:secret:scope+scope`` entries as (name, secret, scopes);
    scopes None stands for every scope. The error names the entry, never its secret."""
    entries: list[tuple[str, str, frozenset[str] | None]] = []
    seen: set[str] = set()
    for number, item in enumerate(raw.split(","), start=1):
        item = item.strip()
        if not item:
            continue
        parts = [part.strip() for part in item.split(":")]
        if len(parts) not in (2, 3) or not parts[0] or len(parts[1]) < 8:
            raise ValueError(
                f"entry {number}: expected name:secret or name:secret:scope+scope, "
                "secrets of at least 8 characters without ':'"
            )
        name, secret = parts[0], parts[1]
        scopes = None
        if len(parts) == 3:
            scopes = frozenset(scope.strip() for scope in parts[2].split("+"))
            unknown = sorted(scopes - SCOPES)
            if unknown or not parts[2]:
                raise ValueError(
                    f"token {name!r}: unknown scope {', '.join(unknown) or '(empty)'}; "
                    f"scopes are {', '.join(sorted(SCOPES))}"
                )
        if secret in seen:
            raise ValueError(f"token {name!r}: its secret is listed twice")
        seen.add(secret)
        entries.append((name, secret, scopes))
    return entries


def tokens(raw: str) -> dict[str, str]:
    """``name:secret[:scopes],...`` -> {secret: name}."""
    return {secret: name for name, secret, _ in _token_entries(raw)}


def token_scopes(raw: str) -> dict[str, frozenset[str]]:
    """``name:secret[:scopes],...`` -> {secret: scopes} for the tokens that list scopes."""
    return {secret: scopes for _, secret, scopes in _token_entries(raw) if scopes is not None}


def networks(raw: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """Comma-separated addresses and CIDR ranges."""
    result = []
    for item in raw.split(","):
        item = item.strip()
        if item:
            try:
                result.append(ipaddress.ip_network(item, strict=False))
            except ValueError:
                raise ValueError(f"{item!r} is not an address or CIDR range") from None
    return tuple(result)


def log_level(raw: str) -> str:
    level = raw.upper()
    if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
        raise ValueError("expected DEBUG, INFO, WARNING, ERROR or CRITICAL")
    return level


DEV_TOKEN = "dev-editor-token"  # noqa: S105 - the documented local default, replaced in production


@dataclass(frozen=True)
class CommonSettings:
    """Settings every service reads.

    ``checks_tokens`` is false for a service that guards no route with ``API_TOKENS``
    (the web): it is then not read, so that secret need not reach the service at all.
    """

    checks_tokens: ClassVar[bool] = True

    redis_url: str = "redis://127.0.0.1:6379/0"
    log_level: str = "INFO"
    api_tokens: dict[str, str] = field(default_factory=lambda: {DEV_TOKEN: "dev"})
    api_token_scopes: dict[str, frozenset[str]] = field(default_factory=dict)
    max_body_bytes: int = 1024 * 1024
    stream_maxlen: int = 1_000_000
    metrics_port: int = 0
    """Where a process without HTTP of its own (relay, consumer, worker, beat) serves
    Prometheus metrics; 0 serves none."""
    bind_host: str = "127.0.0.1"
    public_url: str | None = None
    cors_origins: tuple[str, ...] = ()

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> CommonSettings:
        return cls(**cls.common_values(environ))

    @classmethod
    def common_values(cls, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
        url = env("REDIS_URL", cls.redis_url, redis_url, environ)
        return dict(
            redis_url=with_password(url, env("REDIS_PASSWORD", "", str, environ), "REDIS_PASSWORD"),
            log_level=env("LOG_LEVEL", cls.log_level, log_level, environ),
            api_tokens=(
                env("API_TOKENS", f"dev:{DEV_TOKEN}", tokens, environ, secret=True)
                if cls.checks_tokens
                else {}
            ),
            api_token_scopes=(
                env("API_TOKENS", f"dev:{DEV_TOKEN}", token_scopes, environ, secret=True)
                if cls.checks_tokens
                else {}
            ),
            max_body_bytes=env(
                "MAX_BODY_BYTES", str(cls.max_body_bytes), integer(1024, 64 << 20), environ
            ),
            stream_maxlen=env(
                "EVENTS_STREAM_MAXLEN", str(cls.stream_maxlen), integer(1000), environ
            ),
            metrics_port=env("METRICS_PORT", "0", integer(0, 65535), environ),
            bind_host=env("BIND_HOST", cls.bind_host, str, environ),
            # The portal's public address (the gateway): the APIs name it in their OpenAPI
            # documents, the web in its links.
            public_url=env("PUBLIC_URL", None, http_url, environ),
            cors_origins=env("CORS_ORIGINS", (), origins, environ),
        )

    @classmethod
    def with_common(cls, environ: Mapping[str, str] | None = None, **own: Any) -> Self:
        """A service's settings (a subclass): the common ones from ``environ``, then ``own``."""
        return cls(**{**cls.common_values(environ), **own})


# gunicorn's arbiter reads this status from a worker as "failed to boot" and stops,
# where any other status would make it restart the worker forever.
GUNICORN_BOOT_ERROR = 3
SERVER_PID = "PORTALKIT_SERVER_PID"
"""Set by portalkit.serve for granian's workers: granian restarts a worker whatever its
status, so a worker that cannot boot stops the server itself."""


def boot_error_file(server_pid: int) -> Path:
    """Where a worker of the server ``server_pid`` leaves the reason it could not boot."""
    return Path(tempfile.gettempdir()) / f"portalkit-boot-error-{server_pid}"


def _stop_server(message: str) -> None:
    server = os.environ.get(SERVER_PID, "")
    if server.isdigit() and os.getppid() == int(server):
        boot_error_file(int(server)).write_text(message + "\n")
        os.kill(int(server), signal.SIGTERM)


def load_or_exit(loader: Callable[[], T]) -> T:
    """Run a settings loader; on a bad value print one line and stop the process."""
    try:
        return loader()
    except ConfigError as exc:
        logging.getLogger("portalkit.config").debug("bad setting", exc_info=True)
        sys.stderr.write(f"configuration error: {exc}\n")
        _stop_server(f"configuration error: {exc}")
        status = GUNICORN_BOOT_ERROR if "gunicorn.arbiter" in sys.modules else 2
        raise SystemExit(status) from None


def as_dict(settings: Any) -> dict[str, Any]:
    """Flask config entries from a settings dataclass (upper-cased field names)."""
    return {key.upper(): value for key, value in vars(settings).items()}
