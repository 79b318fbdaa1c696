"""`make run`: the web server, a Celery worker and its beat timers as one foreground command.

Ctrl-C (or SIGTERM, or closing the terminal) stops all three; if one of them dies, the
others are stopped too, so a half-running system never hides behind a live web page.
"""

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import time

# A warm shutdown of the worker on the filesystem broker takes about 9 s (it finishes its
# polling round and stops the beat process); only after this long is the rest killed.
STOP_GRACE_SECONDS = 20
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--host", default="localhost")
    args = parser.parse_args()

    python = sys.executable
    # One cache for the web server and the worker (a watchlist upload's progress), on disk like the rest of var/.
    os.environ.setdefault("CACHE_URL", f"file://{os.path.abspath('var/cache')}")
    # The beat schedule file comes from settings (CELERY_BEAT_SCHEDULE_FILENAME, under var/).
    commands = {
        "web": [python, "manage.py", "runserver", f"{args.host}:{args.port}", "--noreload"],
        "worker": [python, "-m", "celery", "-A", "consular", "worker", "--beat", "--loglevel=INFO",
                   "--concurrency=2"],
    }  # fmt: skip

    stopping = False

    def stop(*_):
        nonlocal stopping
        stopping = True

    # Installed before any child starts, so no signal can arrive while nobody handles it.
    for stop_signal in STOP_SIGNALS:
        signal.signal(stop_signal, stop)

    processes: dict[str, subprocess.Popen] = {}
    exit_code = 0
    try:
        for name, command in commands.items():
            # Each child leads a process group of its own: Ctrl-C reaches only this process,
            # which stops every child once (a second SIGINT would make Celery cold-stop), and
            # a child's own children (the worker's pool and beat) can be killed with it.
            # Fixed argument lists built above, never from user input.
            processes[name] = subprocess.Popen(command, process_group=0)  # noqa: S603
        while not stopping:
            for name, process in processes.items():
                if process.poll() is not None:
                    print(f"consular: {name} exited with {process.returncode}; stopping the rest.", file=sys.stderr)
                    exit_code = process.returncode or 1
                    stopping = True
            time.sleep(0.5)
    finally:
        stop_all(processes)
    return exit_code


def stop_all(processes: dict[str, subprocess.Popen]) -> None:
    """SIGTERM to every child; whatever is left of its process group after the grace period is killed."""
    for process in processes.values():
        # To the child alone: Celery stops its own pool, and a pool process that gets
        # SIGTERM directly dies as "lost" and stalls the worker's warm shutdown.
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for name, process in processes.items():
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            print(f"consular: {name} did not stop within {STOP_GRACE_SECONDS} s; killing it.", file=sys.stderr)
        # Also after a clean exit: a pool process that outlived its parent must not linger.
        signal_group(process, signal.SIGKILL)
        process.wait()


def signal_group(process: subprocess.Popen, signal_number: int) -> None:
    with contextlib.suppress(ProcessLookupError):  # the whole group has already exited
        os.killpg(process.pid, signal_number)


if __name__ == "__main__":
    sys.exit(main())
