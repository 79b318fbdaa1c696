"""Central passport production at scale: create N approved applications, time batch creation, print a table.

    createdb -h 127.0.0.1 -U postgres consular_passport_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/consular_passport_bench \\
        .venv/bin/python bench/passport_production.py --applications 10000

Approved applications are loaded straight into the tables (the setup is not what is
measured): persons with Japanese names (some long enough to be truncated in the MRZ),
a case at HQ in "approved", its application with every checklist item verified and the
fee paid. Then `passports.actions.create_batch` runs for all of them, in batches of
--batch-size: numbers allocated, data page and MRZ computed, documents and passports
written, each case moved to "in production" by `fire()` with its event and outbox row,
the printer's JSON written with its SHA-256, audit entries written.

Beside the figures it prints baselines from the same run: the time to bulk-insert N bare
rows into a one-column table (the floor for writing N rows here) and `pgbench -S` (select-only
transactions per second for 5 s) when pgbench is installed. Refuses a database whose
name lacks "bench", because it writes a great deal.
"""

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "consular.settings")
os.environ.setdefault("CONSULAR_VAR_DIR", tempfile.mkdtemp(prefix="passport-bench-"))  # printer files go here

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_scopes import scopes_disabled  # noqa: E402

from consular.identity.models import Person, PersonAccess  # noqa: E402
from consular.offices import demo  # noqa: E402
from consular.offices.models import Office, Role  # noqa: E402
from consular.offices.scoping import Actor  # noqa: E402
from consular.workflow.models import Case, CaseAccess  # noqa: E402
from passports import actions  # noqa: E402
from passports import demo as passport_demo  # noqa: E402
from passports.models import ChecklistItem, NumberSeries, PassportApplication, Status  # noqa: E402

FAMILY = ["SATO", "SUZUKI", "TAKAHASHI", "TANAKA", "WATANABE", "YAMAMOTO", "NAKAMURA", "KOBAYASHI",
          "HASEGAWA", "MATSUMOTO", "YAMAGUCHI", "HIGASHIKUNINOMIYA", "KADEN-YAMANOUCHI"]
GIVEN = ["HANAKO", "KENJI", "YUI", "HIROSHI", "SAKURA", "TAKUMI", "AOI", "SHOTARO", "MIYUKI",
         "KOTARO ALEXANDER", "MARIA-CHRISTINA YUKIKO"]
LOAD_CHUNK = 2_000


def load(count: int, seed: int) -> None:
    """Add approved applications at HQ until `count` wait for production."""
    rng = random.Random(seed)
    hq = Office.directory.get(kind=Office.Kind.HQ)
    collecting = list(Office.directory.filter(kind__in=[Office.Kind.MISSION, Office.Kind.PREFECTURE]))
    waiting = actions.production_queue().count()
    now = timezone.now()
    while waiting < count:
        size = min(LOAD_CHUNK, count - waiting)
        with transaction.atomic():
            # Each applied at a mission or prefecture, which recorded the person and handed the case to HQ.
            offices = [rng.choice(collecting) for _ in range(size)]
            persons = Person.unscoped.bulk_create(
                Person(family_name=rng.choice(FAMILY), given_names=rng.choice(GIVEN), sex=rng.choice("FMX"),
                       birth_year=rng.randint(1940, 2007), birth_month=rng.randint(1, 12), birth_day=rng.randint(1, 28),
                       nationalities=["JPN"], created_by_office=office)
                for office in offices
            )
            start = Case.unscoped.count()
            cases = Case.unscoped.bulk_create(
                Case(reference=f"P-BENCH-HQ-{start + i:09d}", case_type="passport", person=person,
                     current_office=hq, originating_office=office, status=Status.APPROVED,
                     submitted_at=now - timedelta(seconds=start + i))
                for i, (person, office) in enumerate(zip(persons, offices, strict=True))
            )
            # The rows open_case and the hand-over write: both offices read the case and the person.
            CaseAccess.objects.bulk_create(
                CaseAccess(case=case, office_id=office_id, submitted_at=case.submitted_at)
                for case in cases for office_id in (case.originating_office_id, hq.pk)
            )
            PersonAccess.objects.bulk_create(
                PersonAccess(person=person, office_id=office_id)
                for person in persons for office_id in (person.created_by_office_id, hq.pk)
            )
            applications = PassportApplication.unscoped.bulk_create(
                PassportApplication(case=case, kind="new", validity_years=10, collecting_office=case.originating_office,
                                    applied_on=now.date(), age_on_application=30, photo="bench/none.jpg",
                                    photo_content_type="image/jpeg", fee_jpy=16_000, fee_amount=16_000,
                                    fee_currency="JPY", paid_amount=16_000, paid_currency="JPY", paid_at=now,
                                    receipt_number=f"R-BENCH-{case.pk}")
                for case in cases
            )
            ChecklistItem.objects.bulk_create(
                ChecklistItem(application=application, code=code, verified_at=now, verified_by="bench")
                for application in applications for code in ("application_form", "photo", "family_register")
            )
        waiting += size
        print(f"  {waiting:>8,} approved applications waiting", flush=True)


def bare_insert_seconds(count: int) -> float:
    """The floor: bulk-insert `count` one-integer rows into a temporary table, in one transaction."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE bench_floor (n integer)")
        started = time.perf_counter()
        with transaction.atomic():
            cursor.executemany("INSERT INTO bench_floor (n) VALUES (%s)", [(n,) for n in range(count)])
        elapsed = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_floor")
    return elapsed


def pgbench_select_tps() -> float | None:
    """Select-only TPS of this PostgreSQL for 5 s on 2 clients, in its own scratch database."""
    if connection.vendor != "postgresql" or shutil.which("pgbench") is None:
        return None
    url = urlparse(os.environ["DATABASE_URL"])
    target = ["-h", url.hostname or "127.0.0.1", "-p", str(url.port or 5432), "-U", url.username or "postgres"]
    scratch = f"{connection.settings_dict['NAME']}_pgbench_scratch"  # beside the bench's own database
    subprocess.run(["dropdb", *target, "--if-exists", scratch], check=True, capture_output=True)
    subprocess.run(["createdb", *target, scratch], check=True, capture_output=True)
    try:
        subprocess.run(["pgbench", *target, "-i", "-s", "1", "-q", scratch], check=True, capture_output=True)
        result = subprocess.run(["pgbench", *target, "-S", "-c", "2", "-j", "2", "-T", "5", scratch],
                                check=True, capture_output=True, text=True)
    finally:
        subprocess.run(["dropdb", *target, "--if-exists", scratch], capture_output=True)
    line = next(line for line in result.stdout.splitlines() if line.startswith("tps"))
    return float(line.split("=")[1].split()[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--applications", type=int, default=10_000)
    parser.add_argument("--batch-size", type=int, default=1_000, help="applications per production batch")
    parser.add_argument("--seed", type=int, default=9303)
    args = parser.parse_args()
    database = connection.settings_dict["NAME"]
    if "bench" not in str(database):
        raise SystemExit(f"Refusing to write to {database!r}: use a database whose name contains 'bench'.")

    call_command("migrate", verbosity=0)
    with scopes_disabled():
        if not Office.directory.filter(kind=Office.Kind.HQ).exists():
            demo.seed()
        passport_demo.seed()
        # Numbers are never reused, so repeated runs open further series as they need them.
        if sum(series.remaining for series in NumberSeries.objects.all()) < args.applications:
            prefix = next(p for p in (f"{a}{b}" for a in "TUVW" for b in "ABCDEFGHJKLMNPRSTUVWXYZ")
                          if not NumberSeries.objects.filter(prefix=p).exists())
            NumberSeries.objects.create(prefix=prefix)
        print(f"Loading {args.applications:,} approved applications …", flush=True)
        load(args.applications, args.seed)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for table in ("workflow_case", "workflow_caseaccess", "passports_passportapplication",
                              "passports_checklistitem"):
                    cursor.execute(f"ANALYZE {table}")

        hq = Office.directory.get(kind=Office.Kind.HQ)
        officer = Actor(office=hq, role=Role.HQ_OFFICER)
        timings: list[tuple[int, float]] = []
        remaining = args.applications
        started_all = time.perf_counter()
        while remaining > 0:
            size = min(args.batch_size, remaining)
            started = time.perf_counter()
            batch = actions.create_batch(by=officer, limit=size)
            timings.append((batch.size, time.perf_counter() - started))
            remaining -= batch.size
        total = time.perf_counter() - started_all
        floor = bare_insert_seconds(args.applications)
    tps = pgbench_select_tps()

    rates = [size / seconds for size, seconds in timings]
    print(f"\n{args.applications:,} applications · batches of {args.batch_size:,} · "
          f"{connection.vendor} · {len(timings)} batches\n")
    print(f"{'measure':<46} {'value':>14}")
    print(f"{'batch creation, whole run (passports/s)':<46} {args.applications / total:>14,.0f}")
    print(f"{'batch creation, median batch (passports/s)':<46} {statistics.median(rates):>14,.0f}")
    print(f"{'batch creation, slowest batch (passports/s)':<46} {min(rates):>14,.0f}")
    print(f"{'median batch time (s)':<46} {statistics.median(s for _, s in timings):>14.2f}")
    print(f"{'baseline: bare row inserts (rows/s)':<46} {args.applications / floor:>14,.0f}")
    if tps is not None:
        print(f"{'baseline: pgbench -S (transactions/s)':<46} {tps:>14,.0f}")
    print(f"\nratio (passports per second / bare row inserts per second): "
          f"{(args.applications / total) / (args.applications / floor):.3f}")


if __name__ == "__main__":
    main()
