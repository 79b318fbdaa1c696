"""Throughput of the case list API against a bare Django JSON view, from the same server, in one run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/consular_bench \\
        .venv/bin/python bench/case_list.py --cases 1000000

Creates the cases if the database has fewer (seeded, resumable), starts gunicorn with
BENCH_BARE_VIEW on, then loads /api/v1/cases/ (first page, cursor pagination, 50 rows, as
an API client of the office holding the cases) and /api/v1/bench-bare/ alternately with
wrk (Debian package `wrk`), several rounds, and prints medians and their ratio. The
machine is shared and noisy: compare the ratio, not the raw figures.
"""

import argparse
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "consular.settings")

BATCH = 20_000
CLIENT_NAME = "bench client"


def prepare(cases: int) -> str:
    """Migrate, make sure `cases` enquiries exist at NYC, and return an API token for NYC."""
    import django

    django.setup()
    from datetime import UTC, datetime, timedelta

    from django.core.management import call_command
    from django_scopes import scopes_disabled

    from consular.identity.models import Person
    from consular.offices import demo
    from consular.offices.actions import create_api_client
    from consular.offices.models import ApiClient, Office
    from consular.workflow.models import Case

    call_command("migrate", verbosity=0)
    with scopes_disabled():
        if not Office.directory.filter(code="NYC").exists():
            demo.seed()  # offices only matter here; demo users are harmless in a bench database
        nyc = Office.directory.get(code="NYC")
        have = Case.unscoped.count()
        started = time.monotonic()
        statuses = ["received", "in_progress", "answered", "referred", "closed"]
        while have < cases:
            size = min(BATCH, cases - have)
            persons = Person.unscoped.bulk_create(
                Person(family_name=f"BENCH{(have + i) % 9973}", given_names="CASE", sex="X", birth_year=1980,
                       nationalities=["JPN"], created_by_office=nyc)
                for i in range(size)
            )
            start = datetime(2026, 1, 1, tzinfo=UTC)
            Case.unscoped.bulk_create(
                Case(reference=f"E-BENCH-NYC-{have + i:09d}", case_type="enquiry", person=person,
                     current_office=nyc, originating_office=nyc, status=statuses[(have + i) % len(statuses)],
                     submitted_at=start + timedelta(seconds=have + i))
                for i, person in enumerate(persons)
            )
            have += size
            print(f"  {have:>10,} cases ({time.monotonic() - started:.0f} s)", flush=True)
        # Fresh statistics after a bulk load, as autovacuum would give a production table.
        from django.db import connection

        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE workflow_case")
        ApiClient.unscoped.filter(office=nyc, name=CLIENT_NAME).delete()
        _client, token = create_api_client(office=nyc, name=CLIENT_NAME, created_by="bench/case_list.py")
    return token


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(url: str, timeout: float = 30) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310  (our own loopback server)
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the server did not answer at {url}")


def load(url: str, token: str, seconds: int, connections: int) -> tuple[float, float]:
    """Requests per second and median latency (ms) from one wrk run; non-2xx responses abort the bench."""
    result = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-H", f"Authorization: Bearer {token}",
         url],
        capture_output=True, text=True, check=True,
    )
    if "Non-2xx" in result.stdout:
        raise SystemExit(f"{url} answered with errors:\n{result.stdout}")
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", result.stdout).group(1))
    p50 = re.search(r"50%\s+([\d.]+)(us|ms|s)", result.stdout)
    scale = {"us": 0.001, "ms": 1, "s": 1000}[p50.group(2)]
    return rate, float(p50.group(1)) * scale


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--seconds", type=int, default=10, help="length of each wrk run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    args = parser.parse_args()
    if "postgres" not in os.environ.get("DATABASE_URL", ""):
        print("note: DATABASE_URL is not PostgreSQL; the target figures are for PostgreSQL.", file=sys.stderr)

    print(f"Preparing {args.cases:,} cases …", flush=True)
    token = prepare(args.cases)
    port = free_port()
    environment = {
        **os.environ, "BENCH_BARE_VIEW": "true", "DEBUG": "false", "SECRET_KEY": "bench-" + "x" * 60,
        "ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL_REDIRECT": "false", "SECURE_COOKIES": "false",
        "API_THROTTLE_RATE": "100000000/minute", "LOG_LEVEL": "WARNING",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "consular.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", str(args.workers), "--log-level", "warning"],
        cwd=ROOT, env=environment, start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    endpoints = {
        "bare Django JSON view": f"{base}/api/v1/bench-bare/",
        "case list API (50 rows)": f"{base}/api/v1/cases/",
    }
    figures: dict[str, list[tuple[float, float]]] = {name: [] for name in endpoints}
    try:
        wait_until_up(f"{base}/health/")
        for url in endpoints.values():
            load(url, token, 2, args.connections)  # warm-up: connections, caches, imports
        for _ in range(args.rounds):
            for name, url in endpoints.items():
                figures[name].append(load(url, token, args.seconds, args.connections))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    print(f"\n{args.cases:,} cases · {args.workers} gunicorn workers · wrk {args.connections} connections · "
          f"{args.rounds} rounds of {args.seconds} s, medians\n")
    print(f"{'endpoint':<26} {'req/s':>10} {'p50 ms':>8}")
    medians = {}
    for name, runs in figures.items():
        rate = statistics.median(r for r, _ in runs)
        latency = statistics.median(p for _, p in runs)
        medians[name] = rate
        print(f"{name:<26} {rate:>10.0f} {latency:>8.2f}")
    bare, listing = medians.values()
    print(f"\nratio (case list / bare view): {listing / bare:.2f}   target ≥ 0.20")


if __name__ == "__main__":
    main()
