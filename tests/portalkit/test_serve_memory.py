"""portalkit.serve lets a worker's threads share two malloc arenas, not one each."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from portalkit.serve import MALLOC_ARENAS

THREADS = 8

# Threads that all allocate while the others are alive, then glibc's own count of arenas.
PROGRAM = textwrap.dedent(
    f"""
    import ctypes, os, sys, threading
    from portalkit.serve import limit_malloc_arenas

    print(limit_malloc_arenas(os.environ))
    held = []
    together = threading.Barrier({THREADS})

    def work():
        together.wait()
        held.append([bytearray(1000) for _ in range(1000)])
        together.wait()

    threads = [threading.Thread(target=work) for _ in range({THREADS})]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sys.stdout.flush()
    ctypes.CDLL("libc.so.6").malloc_stats()  # one "Arena N:" block per arena, on stderr
    """
)


def arenas(limit: bool, env_arenas: str | None = None) -> tuple[str, int]:
    env = {"PATH": "/usr/bin:/bin"}
    if env_arenas is not None:
        env["MALLOC_ARENA_MAX"] = env_arenas
    program = PROGRAM if limit else PROGRAM.replace("limit_malloc_arenas(os.environ)", "None")
    done = subprocess.run(
        [sys.executable, "-c", program], env=env, capture_output=True, text=True, check=True
    )
    count = sum(line.startswith("Arena ") for line in done.stderr.splitlines())
    return done.stdout.strip(), count


def test_threads_of_a_served_process_share_the_arenas_it_allows():
    assert arenas(limit=True) == ("True", MALLOC_ARENAS)


def test_without_the_limit_each_thread_would_hold_an_arena_of_its_own():
    _, count = arenas(limit=False)
    assert count > THREADS // 2


def test_an_operators_malloc_arena_max_is_left_to_glibc():
    assert arenas(limit=True, env_arenas="4") == ("False", 4)
