"""``python -m bench.photos`` (part of ``make bench``): renditions of 12-megapixel JPEGs.

In process: the time one photo's eight renditions take, beside a baseline measured in the
same run (Pillow decoding the same JPEG whole and saving one 1600 px JPEG: the floor of
any rendition work on this machine), as a ratio and as renditions per second. End to
end: the articles-worker, run by its Procfile line (Celery prefork, one child), makes
the renditions of ``--photos`` uploads; its throughput, and the peak resident memory
(``VmHWM``) of its main process and of the pool child that did the work.

Settings: BENCH_PHOTOS (5), BENCH_PHOTO_ROUNDS (5), BENCH_OUTPUT (bench/results).
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

from bench import machine
from bench.processes import BIN, ROOT, OwnedProcess, Redis, children, peak_rss_mib, wait_for
from portalkit.config import ConfigError, env, integer

log = logging.getLogger("bench.photos")
WIDTH, HEIGHT = 4000, 3000
TARGET_S, TARGET_MIB = 2.0, 250.0


def camera_photo(seed: int) -> bytes:
    """A 12-megapixel JPEG of a sample scene with sensor-like grain (a few MB, like a phone's)."""
    from articles.media.samples import SAMPLES, picture

    names = sorted(SAMPLES)
    with Image.open(io.BytesIO(picture(names[seed % len(names)]))) as drawn:
        scene = drawn.resize((WIDTH, HEIGHT), Image.BICUBIC)
    grain = Image.effect_noise((WIDTH // 2, HEIGHT // 2), 30 + seed).resize((WIDTH, HEIGHT))
    scene = Image.merge("RGB", [Image.blend(band, grain, 0.2) for band in scene.split()])
    out = io.BytesIO()
    scene.save(out, "JPEG", quality=92)
    return out.getvalue()


def baseline(data: bytes) -> None:
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        small = image.resize((1600, 1200), Image.LANCZOS)
    small.save(io.BytesIO(), "JPEG", quality=82)


def in_process(data: bytes, rounds: int) -> dict:
    """Median seconds of the renditions and of the baseline, alternating."""
    from articles.media.renditions import render

    ours, floor = [], []
    made = 0
    for _ in range(rounds):
        started = time.perf_counter()
        baseline(data)
        floor.append(time.perf_counter() - started)
        started = time.perf_counter()
        made = len(render(data, 50_000_000).renditions)
        ours.append(time.perf_counter() - started)
    seconds = statistics.median(ours)
    return {
        "renditions": made,
        "seconds_per_photo": round(seconds, 3),
        "renditions_per_s": round(made / seconds, 2),
        "baseline_seconds": round(statistics.median(floor), 3),
        "ratio_to_baseline": round(seconds / statistics.median(floor), 2),
        "rounds_s": [round(s, 3) for s in ours],
    }


def procfile_line(name: str) -> str:
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.startswith(f"{name}:"):
            return line.partition(":")[2].strip()
    raise RuntimeError(f"no {name} in the Procfile")


def worker_run(photos: list[bytes], work: Path) -> dict:
    """Upload ``photos`` through the API in-process; time the worker; read its peak memory."""
    from articles.app import create_app
    from articles.extensions import database as app_database
    from articles.settings import Settings

    redis_server = Redis(work)
    environ = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "REDIS_URL": redis_server.url,
        "DATABASE_URL": f"sqlite:///{work / 'articles.db'}",
        "MEDIA_STORAGE": (work / "media").as_uri(),
        "API_TOKENS": "bench:bench-photo-token",
        "LOG_LEVEL": "WARNING",
    }
    subprocess.run(
        [sys.executable, "-m", "articles.manage", "upgrade"], env=environ, cwd=ROOT, check=True
    )
    worker = OwnedProcess(
        "articles-worker", ["sh", "-c", "exec " + procfile_line("articles-worker")], work, environ
    )
    app = create_app(Settings.from_env(environ))
    client = app.test_client()
    auth = {"Authorization": "Bearer bench-photo-token"}
    try:
        wait_for(lambda: children(worker.pid), "the articles-worker pool", timeout=90)
        started = time.perf_counter()
        for data in photos:
            answer = client.post(
                "/v1/media",
                data={"file": (io.BytesIO(data), "anh.jpg"), "caption": "bench"},
                headers=auth,
                content_type="multipart/form-data",
            )
            assert answer.status_code == 202, answer.get_data(as_text=True)

        def all_ready() -> bool:
            listing = client.get("/v1/media?status=ready&per_page=100", headers=auth).get_json()
            failed = client.get("/v1/media?status=failed", headers=auth).get_json()["total"]
            if failed:
                raise RuntimeError(f"{failed} photos failed:\n{worker.log_tail()}")
            return listing["total"] == len(photos)

        wait_for(all_ready, "every photo's renditions", timeout=60 + 30 * len(photos))
        elapsed = time.perf_counter() - started
        pool = [peak_rss_mib(pid) for pid in children(worker.pid)]
        main_mib = peak_rss_mib(worker.pid)
    finally:
        worker.stop(timeout=30)
        app_database(app).dispose()
        redis_server.stop()
    return {
        "photos": len(photos),
        "seconds": round(elapsed, 2),
        "photos_per_s": round(len(photos) / elapsed, 3),
        "renditions_per_s": round(8 * len(photos) / elapsed, 2),
        "peak_rss_mib": {"main": main_mib, "pool": pool, "total": round(main_mib + sum(pool), 1)},
    }


def markdown(doc: dict) -> str:
    inproc, worker = doc["in_process"], doc["worker"]
    peak = worker["peak_rss_mib"]
    return "\n".join(
        [
            "# Photo renditions (12-megapixel JPEG)",
            "",
            f"Machine: {doc['machine'].get('cpu_model', '?')}, load at start "
            f"{doc['machine'].get('loadavg_at_start', '?')}.",
            "",
            "| figure | value | target |",
            "|---|---|---|",
            f"| one photo's {inproc['renditions']} renditions (median of "
            f"{len(inproc['rounds_s'])}) | {inproc['seconds_per_photo']} s "
            f"({inproc['renditions_per_s']} renditions/s) | under {TARGET_S} s |",
            f"| baseline: decode + one 1600 px JPEG | {inproc['baseline_seconds']} s | |",
            f"| ratio to the baseline | {inproc['ratio_to_baseline']} | |",
            f"| articles-worker, {worker['photos']} uploads to ready | {worker['seconds']} s "
            f"({worker['renditions_per_s']} renditions/s) | |",
            f"| articles-worker peak RSS: main / pool child | {peak['main']} / "
            f"{', '.join(str(p) for p in peak['pool'])} MiB | pool child under {TARGET_MIB} MB |",
            "",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    try:
        defaults = {
            "photos": env("BENCH_PHOTOS", "5", integer(1, 100)),
            "rounds": env("BENCH_PHOTO_ROUNDS", "5", integer(1, 50)),
            "output": Path(env("BENCH_OUTPUT", str(ROOT / "bench" / "results"))),
        }
    except ConfigError as exc:
        sys.stderr.write(f"configuration error: {exc}\n")
        return 2
    parser = argparse.ArgumentParser(
        prog="python -m bench.photos", description=__doc__.split("\n")[0]
    )
    parser.set_defaults(**defaults)
    parser.add_argument("--photos", type=int, help="uploads the worker processes")
    parser.add_argument("--rounds", type=int, help="in-process measurements (median)")
    parser.add_argument("--output", type=Path, help="directory for photos.md and photos.json")
    args = parser.parse_args(argv)
    about = machine.machine()
    log.info("making %d photos of %d x %d", args.photos, WIDTH, HEIGHT)
    photos = [camera_photo(seed) for seed in range(args.photos)]
    inproc = in_process(photos[0], args.rounds)
    log.info("in process: %s s per photo", inproc["seconds_per_photo"])
    work = Path(tempfile.mkdtemp(prefix="bench-photos-"))
    try:
        worker = worker_run(photos, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    doc = {
        "machine": about,
        "photo": {"width": WIDTH, "height": HEIGHT, "bytes": len(photos[0])},
        "in_process": inproc,
        "worker": worker,
    }
    text = markdown(doc)
    print(text)
    args.output.mkdir(parents=True, exist_ok=True)
    (args.output / "photos.md").write_text(text)
    (args.output / "photos.json").write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
