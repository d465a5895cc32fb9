"""`make run`'s supervisor (scripts/supervisor.py) on a small Procfile: a process that dies
is started again after a backoff while the others keep running, and SIGTERM stops all."""

from __future__ import annotations

import signal
import sys

from reliability_kit import figures

from support.servers import ROOT, Process, wait_until

SUPERVISE = """
import sys
from pathlib import Path
sys.path.insert(0, str(Path({scripts!r})))
from supervisor import Supervisor, read_procfile
import os, signal
supervisor = Supervisor(read_procfile(Path(sys.argv[1])), dict(os.environ), Path(sys.argv[2]))
signal.signal(signal.SIGTERM, supervisor.stop)
supervisor.run()
"""


def test_a_dead_process_is_restarted_with_a_backoff_and_sigterm_stops_everything(tmp_path):
    procfile = tmp_path / "Procfile"
    procfile.write_text(
        "steady: echo steady-up; exec sleep 600\nflaky: echo flaky-up $$; sleep 0.2; exit 3\n"
    )
    script = tmp_path / "supervise.py"
    script.write_text(SUPERVISE.format(scripts=str(ROOT / "scripts")))
    run = Process([sys.executable, str(script), str(procfile), str(tmp_path)], name="supervisor")
    run.start()
    try:
        wait_until(lambda: run.output().count("flaky exited (rc=3)") >= 3, timeout=30)
        output = run.output()
        steady_starts = output.count("steady-up")
        waits = [
            line.rsplit("restarting in ", 1)[1]
            for line in output.splitlines()
            if "flaky exited" in line
        ]
        alive_meanwhile = run.alive()
        run.signal(signal.SIGTERM)
        code = run.proc.wait(timeout=30)
        stopped = "every process stopped" in run.output()
    finally:
        run.kill()
    line = figures(
        "supervisor",
        flaky_restarts=len(waits),
        backoffs=waits[:3],
        steady_starts=steady_starts,
        exit_code=code,
    )
    assert alive_meanwhile, line
    assert steady_starts == 1, line
    assert waits[:3] == ["1s", "2s", "4s"], line
    assert code == 0 and stopped, line
