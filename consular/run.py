"""`make run`: the web server, a Celery worker and its beat timers as one foreground command.

Ctrl-C (or SIGTERM) stops all three; if one of them dies, the others are stopped too,
so a half-running system never hides behind a live web page.
"""

import argparse
import os
import signal
import subprocess
import sys
import time

STOP_GRACE_SECONDS = 10


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--host", default="localhost")
    args = parser.parse_args()

    python = sys.executable
    commands = {
        "web": [python, "manage.py", "runserver", f"{args.host}:{args.port}", "--noreload"],
        "worker": [python, "-m", "celery", "-A", "consular", "worker", "--beat", "--loglevel=INFO",
                   "--concurrency=2", "--schedule", os.path.join("var", "celerybeat-schedule")],
    }
    # Fixed argument lists built above, never from user input.
    processes = {name: subprocess.Popen(command) for name, command in commands.items()}  # noqa: S603

    stopping = False

    def stop(*_):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    exit_code = 0
    while not stopping:
        for name, process in processes.items():
            if process.poll() is not None:
                print(f"consular: {name} exited with {process.returncode}; stopping the rest.", file=sys.stderr)
                exit_code = process.returncode or 1
                stopping = True
        time.sleep(0.5)

    for process in processes.values():
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for process in processes.values():
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
