"""The backup command.

python -m portalkit.backup run        backups on a schedule (BACKUP_INTERVAL, BACKUP_KEEP)
python -m portalkit.backup once       one backup now, then prune to BACKUP_KEEP
python -m portalkit.backup list       the complete backups, oldest first
python -m portalkit.backup check      exit 0 when the newest backup is at most two
                                      intervals old (the container's healthcheck)
python -m portalkit.backup restore [NAME|latest] [--only postgres|redis] [--clean]
                                      into DATABASE_URL and REDIS_URL
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime

from portalkit.backup import runner
from portalkit.backup.settings import Settings
from portalkit.process import run_workers, start_process


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m portalkit.backup", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("run", "once", "list", "check"):
        commands.add_parser(name)
    restore = commands.add_parser("restore", help="restore a backup (default: the newest)")
    restore.add_argument("name", nargs="?", default="latest")
    restore.add_argument("--only", choices=("postgres", "redis"))
    restore.add_argument(
        "--clean", action="store_true", help="replace what the stores hold (else: refuse)"
    )
    args = parser.parse_args(argv)
    settings = start_process("backup", Settings.from_env)
    if args.command == "run":
        run_workers([runner.Schedule(settings)])
        return 0
    target = runner.target_of(settings)
    try:
        if args.command == "once":
            backup = runner.take_backup(settings, target)
            pruned = runner.prune(target, settings.backup_keep)
            print(f"backup {backup.name} taken; {len(pruned)} older ones removed")
        elif args.command == "list":
            for backup in runner.backups(target):
                sizes = {name: f["bytes"] for name, f in backup.manifest["files"].items()}
                print(backup.name, backup.created_at.isoformat(), sizes)
        elif args.command == "check":
            complete = runner.backups(target)
            if not complete:
                print("no backup yet", file=sys.stderr)
                return 1
            age = (datetime.now(UTC) - complete[-1].created_at).total_seconds()
            if age > 2 * settings.backup_interval_s:
                print(f"the newest backup is {age:.0f} s old", file=sys.stderr)
                return 1
        else:
            parts = (args.only,) if args.only else ("postgres", "redis")
            backup = runner.restore(settings, target, args.name, parts, clean=args.clean)
            print(f"backup {backup.name} restored: {', '.join(parts)}")
    except (runner.BackupError, runner.postgres.DatabaseError) as exc:
        print(f"backup: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
