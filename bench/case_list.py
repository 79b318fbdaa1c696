"""Case lists whose cost follows the office, not the table: a large and a small office, beside a bare view.

    createdb -h 127.0.0.1 -U postgres consular_case_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/consular_case_bench \\
        .venv/bin/python bench/case_list.py --cases 1000000

Loads (seeded, resumable) `--cases` enquiries at New York and `--small-cases` at London,
London's all older than any of New York's: the worst case for a list read newest first,
since London's newest case sits behind every one of New York's. Each office's newest tenth
is open (a twentieth of those referred to HQ, which holds them now), the rest closed; every
holding office has its CaseAccess row and every office its persons' PersonAccess rows, as
the actions write them. Then it starts gunicorn with BENCH_BARE_VIEW on and loads, with wrk
(Debian package `wrk`), alternately in several rounds:

- /api/v1/bench-bare/, a bare Django JSON view: the floor for any request;
- /api/v1/cases/ (first page, 50 rows) as an API client of New York, of London and of HQ;
- /cases/ (the staff queue page) signed in as a clerk of New York and of London.

It prints the medians, the ratio of the list to the bare view, and London's latency over
New York's (the target is at most 2). The machine is shared and noisy: compare ratios from
one run, not raw figures. --explain prints EXPLAIN ANALYZE of each office's first API
page. Refuses a database whose name lacks "bench".
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
# The server's settings, shared by this process so that the sessions it writes carry the server's cookie name.
SERVER_ENVIRONMENT = {
    "BENCH_BARE_VIEW": "true", "DEBUG": "false", "SECRET_KEY": "bench-" + "x" * 60,
    "ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL_REDIRECT": "false", "SECURE_COOKIES": "false",
    "API_THROTTLE_RATE": "100000000/minute", "LOG_LEVEL": "WARNING",
}
os.environ.update(SERVER_ENVIRONMENT)

BATCH = 20_000
CLIENT_NAME = "bench client"
LARGE, SMALL = "NYC", "LON"
STAFF = {LARGE: "nyc_clerk", SMALL: "london_clerk"}  # demo users (consular/offices/demo.py)
OPEN_SHARE = 10  # the newest 1/OPEN_SHARE of an office's cases are open
OPEN_STATUSES = ["received", "in_progress", "in_progress", "instructed", "answered"] * 4 + ["referred"]


def load_office(office, hq, target: int, *, first_at, step) -> None:
    """Make sure `office` has `target` cases; case number n was submitted at `first_at + n * step`."""
    from datetime import timedelta

    from django.db import transaction

    from consular.identity.models import Person, PersonAccess
    from consular.workflow.models import Case, CaseAccess

    have = Case.unscoped.filter(reference__startswith=f"E-BENCH-{office.code}-").count()
    started = time.monotonic()
    while have < target:
        size = min(BATCH, target - have)
        numbers = range(have, have + size)
        with transaction.atomic():
            persons = Person.unscoped.bulk_create(
                Person(family_name=f"BENCH{number % 9973}", given_names="CASE", sex="X", birth_year=1980,
                       nationalities=["JPN"], created_by_office=office)
                for number in numbers
            )
            cases, held_at_hq = [], []
            for number, person in zip(numbers, persons, strict=True):
                submitted_at = first_at + number * step
                newest_rank = target - 1 - number if step > timedelta(0) else number
                is_open = newest_rank < target // OPEN_SHARE
                status = OPEN_STATUSES[number % len(OPEN_STATUSES)] if is_open else (
                    "withdrawn" if number % 10 == 0 else "closed")
                referred = status in ("referred", "instructed")  # both went through HQ
                cases.append(Case(
                    reference=f"E-BENCH-{office.code}-{number:09d}", case_type="enquiry", person=person,
                    current_office=hq if status == "referred" else office, originating_office=office,
                    status=status, submitted_at=submitted_at, updated_at=submitted_at,
                    due_at=submitted_at + timedelta(days=3) if is_open and status != "answered" else None,
                    closed_at=None if is_open else submitted_at + timedelta(days=2),
                ))
                held_at_hq.append(referred)
            cases = Case.unscoped.bulk_create(cases)
            CaseAccess.objects.bulk_create(
                [CaseAccess(case=case, office=office, submitted_at=case.submitted_at) for case in cases]
                + [CaseAccess(case=case, office=hq, submitted_at=case.submitted_at)
                   for case, at_hq in zip(cases, held_at_hq, strict=True) if at_hq]
            )
            PersonAccess.objects.bulk_create(
                [PersonAccess(person=person, office=office) for person in persons]
                + [PersonAccess(person=person, office=hq)
                   for person, at_hq in zip(persons, held_at_hq, strict=True) if at_hq]
            )
        have += size
        print(f"  {office.code}: {have:>10,} cases ({time.monotonic() - started:.0f} s)", flush=True)


def prepare(large: int, small: int) -> tuple[dict[str, str], dict[str, str]]:
    """Migrate, load the cases, and return an API token per office and a session cookie per clerk."""
    import django

    django.setup()
    from datetime import UTC, datetime, timedelta

    from django.core.management import call_command
    from django.db import connection
    from django_scopes import scopes_disabled

    from consular.offices import demo
    from consular.offices.actions import create_api_client
    from consular.offices.models import ApiClient, Office

    name = connection.settings_dict["NAME"]
    if "bench" not in str(name):
        raise SystemExit(f"Refusing to fill database {name!r}: use a dedicated one whose name contains 'bench'.")
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # the staff pages, served with DEBUG off
    with scopes_disabled():
        if not Office.directory.filter(code=LARGE).exists():
            demo.seed()  # offices and the clerks whose queue pages are loaded
        offices = {office.code: office for office in Office.directory.filter(code__in=[LARGE, SMALL, "HQ"])}
        hq = offices["HQ"]
        first = datetime(2026, 1, 1, tzinfo=UTC)
        # One case a second at New York from `first` on; London's one a minute going back from before it,
        # so however many either office gets (the load resumes), London's are older than all of New York's.
        load_office(offices[LARGE], hq, large, first_at=first, step=timedelta(seconds=1))
        load_office(offices[SMALL], hq, small, first_at=first - timedelta(minutes=1), step=-timedelta(minutes=1))
        if connection.vendor == "postgresql":
            # Fresh statistics and visibility map after a bulk load, as autovacuum would give a production table.
            with connection.cursor() as cursor:
                for table in ("workflow_case", "workflow_caseaccess", "identity_person", "identity_personaccess"):
                    cursor.execute(f"VACUUM ANALYZE {table}")
        tokens = {}
        for code, office in offices.items():
            ApiClient.unscoped.filter(office=office, name=CLIENT_NAME).delete()
            _client, tokens[code] = create_api_client(office=office, name=CLIENT_NAME, created_by="bench/case_list.py")
        cookies = {code: session_cookie(username) for code, username in STAFF.items()}
    return tokens, cookies


def session_cookie(username: str) -> str:
    """A signed-in, second-factor-verified session of a demo user, as the sign-in pages leave it."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.utils import timezone
    from django_otp import DEVICE_ID_SESSION_KEY

    from consular.accounts.middleware import LAST_SEEN_AT, SIGNED_IN_AT

    user = get_user_model().objects.get(username=username)
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"  # the one that signs staff in
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[DEVICE_ID_SESSION_KEY] = user.totpdevice_set.get(confirmed=True).persistent_id
    session[SIGNED_IN_AT] = session[LAST_SEEN_AT] = timezone.now().isoformat()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def explain(tokens: dict[str, str]) -> None:
    """EXPLAIN ANALYZE of each office's first API page, as consular/workflow/listing.py writes it."""
    from django.db import connection
    from django_scopes import scopes_disabled

    from consular.offices.models import ApiClient
    from consular.offices.scoping import Actor
    from consular.workflow.listing import page_query

    if connection.vendor != "postgresql":
        return
    with scopes_disabled():
        for client in ApiClient.unscoped.filter(name=CLIENT_NAME, revoked_at__isnull=True).select_related("office"):
            sql, params = page_query(Actor(office=client.office, role="clerk", api_client=client), size=51)
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
                plan = "\n".join(f"    {line}" for (line,) in cursor.fetchall())
            print(f"\n{client.office.code}:\n{plan}")


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


def load(url: str, header: str, seconds: int, connections: int) -> tuple[float, float]:
    """Requests per second and median latency (ms) from one wrk run; non-2xx responses abort the bench."""
    result = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-H", header, url],
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
    parser.add_argument("--cases", type=int, default=10_000, help=f"cases at the large office ({LARGE})")
    parser.add_argument("--small-cases", type=int, default=1_000,
                        help=f"cases at the small office ({SMALL}), all older than the large office's")
    parser.add_argument("--seconds", type=int, default=10, help="length of each wrk run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of each office's first page")
    args = parser.parse_args()
    database = os.environ.get("DATABASE_URL", "")
    if "postgres" not in database:
        print("note: DATABASE_URL is not PostgreSQL; the target figures are for PostgreSQL.", file=sys.stderr)

    print(f"Preparing {args.cases:,} cases at {LARGE} and {args.small_cases:,} older ones at {SMALL} …", flush=True)
    tokens, cookies = prepare(args.cases, args.small_cases)
    if args.explain:
        explain(tokens)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "consular.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", str(args.workers), "--log-level", "warning"],
        cwd=ROOT, env=os.environ, start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    bearer = {code: f"Authorization: Bearer {token}" for code, token in tokens.items()}
    endpoints = {
        "bare Django JSON view": (f"{base}/api/v1/bench-bare/", bearer[LARGE]),
        f"case list API, {LARGE}": (f"{base}/api/v1/cases/", bearer[LARGE]),
        f"case list API, {SMALL}": (f"{base}/api/v1/cases/", bearer[SMALL]),
        "case list API, HQ": (f"{base}/api/v1/cases/", bearer["HQ"]),
        f"staff queue page, {LARGE}": (f"{base}/cases/", f"Cookie: {cookies[LARGE]}"),
        f"staff queue page, {SMALL}": (f"{base}/cases/", f"Cookie: {cookies[SMALL]}"),
    }
    figures: dict[str, list[tuple[float, float]]] = {name: [] for name in endpoints}
    load_before = os.getloadavg()[0]
    try:
        wait_until_up(f"{base}/health/")
        for url, header in endpoints.values():
            load(url, header, 2, args.connections)  # warm-up: connections, caches, imports
        names = list(endpoints)
        for round_number in range(args.rounds):
            # Each round starts one endpoint later, so a burst of load from elsewhere on the machine
            # does not always fall on the same endpoint (the ratios compare endpoints).
            for name in names[round_number % len(names):] + names[: round_number % len(names)]:
                url, header = endpoints[name]
                figures[name].append(load(url, header, args.seconds, args.connections))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    load_after = os.getloadavg()[0]

    print(f"\n{args.cases:,} cases at {LARGE}, {args.small_cases:,} older at {SMALL} · {args.workers} gunicorn "
          f"workers · wrk {args.connections} connections · {args.rounds} rounds of {args.seconds} s, medians · "
          f"load average {load_before:.1f} → {load_after:.1f} on {os.cpu_count()} CPUs\n")
    print(f"{'endpoint':<28} {'req/s':>10} {'p50 ms':>8}")
    rates, latencies = {}, {}
    for name, runs in figures.items():
        rates[name] = statistics.median(r for r, _ in runs)
        latencies[name] = statistics.median(p for _, p in runs)
        print(f"{name:<28} {rates[name]:>10.0f} {latencies[name]:>8.2f}")
    bare = rates["bare Django JSON view"]
    print(f"\nratio (case list {LARGE} req/s / bare view req/s): {rates[f'case list API, {LARGE}'] / bare:.2f}"
          "   target ≥ 0.20")
    for what in ("case list API", "staff queue page"):
        ratio = latencies[f"{what}, {SMALL}"] / latencies[f"{what}, {LARGE}"]
        print(f"ratio ({what} p50 {SMALL} / {LARGE}): {ratio:.2f}   target ≤ 2")


if __name__ == "__main__":
    main()
