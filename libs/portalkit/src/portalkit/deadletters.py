"""``python -m portalkit.deadletters list | show ID | replay ID | drop ID``: see why
events failed, and send them back to their stream once the cause is fixed.

Reads ``REDIS_URL``. Exit status 1 when the named dead letter does not exist.
"""

from __future__ import annotations

import argparse
import json
import sys

from portalkit.config import CommonSettings
from portalkit.dead_letters import DeadLetter, dead_letter, dead_letters, drop, replay
from portalkit.events import DEAD_LETTER_STREAM
from portalkit.process import start_process
from portalkit.redis_client import connect

SHORT_REASON = 80


def summary(letter: DeadLetter) -> str:
    reason = letter.reason.replace("\n", " ")
    if len(reason) > SHORT_REASON:
        reason = reason[: SHORT_REASON - 1] + "…"
    kind = letter.original.get("type", "?")[:40]
    return f"{letter.id}  {letter.stream} {letter.group}  {kind}  {reason}"


def pretty(data: str) -> str:
    """The event's data indented, or as it came when it is not JSON (often why it failed)."""
    try:
        return json.dumps(json.loads(data), ensure_ascii=False, indent=2)
    except (ValueError, RecursionError):
        return data


def details(letter: DeadLetter) -> str:
    lines = [
        f"dead letter  {letter.id}",
        f"stream       {letter.stream}",
        f"group        {letter.group}",
        f"entry        {letter.entry_id}",
        f"reason       {letter.reason}",
        "original entry:",
    ]
    for name, value in letter.original.items():
        lines.append(f"  {name}: {pretty(value) if name == 'data' else value}")
    return "\n".join(lines)


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="python -m portalkit.deadletters", description=__doc__)
    commands = root.add_subparsers(dest="command", required=True)
    listing = commands.add_parser("list", help="the oldest dead letters, one a line")
    listing.add_argument("--limit", type=int, default=100, help="at most this many (100)")
    for name, text in (
        ("show", "one dead letter: its reason and the whole original entry"),
        ("replay", "append the original entry to its stream again and remove the dead letter"),
        ("drop", "delete a dead letter for good"),
    ):
        commands.add_parser(name, help=text).add_argument("id", help="its id in events:dead")
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    settings = start_process("deadletters", CommonSettings.from_env)
    client = connect(settings.redis_url)
    if args.command == "list":
        letters = dead_letters(client, args.limit)
        for letter in letters:
            print(summary(letter))
        total = client.xlen(DEAD_LETTER_STREAM)
        shown = f" ({len(letters)} shown)" if total > len(letters) else ""
        print(f"{total} dead letters{shown}")
        return 0
    if args.command == "drop":
        if not drop(client, args.id):
            return missing(args.id)
        print(f"dropped {args.id}")
        return 0
    letter = dead_letter(client, args.id)
    if letter is None:
        return missing(args.id)
    if args.command == "show":
        print(details(letter))
        return 0
    try:
        new_id = replay(client, letter, settings.stream_maxlen)
    except ValueError as exc:
        sys.stderr.write(f"{exc}\n")
        return 1
    print(f"replayed {letter.id} to {letter.stream} as {new_id}")
    return 0


def missing(dead_id: str) -> int:
    sys.stderr.write(f"no dead letter {dead_id}\n")
    return 1


if __name__ == "__main__":
    sys.exit(main())
