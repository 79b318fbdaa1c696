"""Outbox faults on a real Redis and real workers: a broker outage or a killed worker loses and doubles nothing.

Each test runs its own `redis-server` on a spare port, so stopping "the broker" never
touches the shared one, and its own worker processes on private queues of it.
The workers start from a small boot script instead of `celery -A consular` so that
they can carry a test-only handler kind and a short claim lease without any hook in
production code.
"""

import logging
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from uuid import uuid4

import kombu.pools
import pytest
import redis
from django.conf import settings
from django.utils import timezone

from consular.celery import app
from consular.workflow.actions import fire, open_case
from consular.workflow.enquiries import Status
from consular.workflow.models import OutboxMessage, WorkerHeartbeat
from consular.workflow.relay import sweep
from consular.workflow.tasks import relay_outbox_message, sweep_outbox
from tests.identity.factories import PersonFactory, actor_for
from tests.services.conftest import test_database_url

pytestmark = pytest.mark.services

WAIT_SECONDS = 30
CLAIM_LEASE_SECONDS = 3
SLOW_KIND = "fault_test_slow"
EFFECT_PREFIX = "fault-effect"
BROKER_OVERRIDES = ("CELERY_BROKER_READ_URL", "CELERY_BROKER_WRITE_URL")

# A worker with one extra handler kind: it writes its effect in the relay's transaction,
# then (if told to) marks that it is mid-handler and sleeps, waiting to be killed.
WORKER_BOOT = f"""
import os, sys, time
from datetime import timedelta
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "consular.settings")
django.setup()
from django.utils import timezone
from consular.celery import app
from consular.workflow import relay
from consular.workflow.models import WorkerHeartbeat

relay.CLAIM_LEASE = timedelta(seconds=float(os.environ["FAULT_CLAIM_LEASE_SECONDS"]))

@relay.handles("{SLOW_KIND}", label="slow")
def slow(message):
    WorkerHeartbeat.objects.create(worker=f"{EFFECT_PREFIX}:{{message.pk}}:{{os.getpid()}}", beat_at=timezone.now())
    if float(os.environ["FAULT_HANDLER_SLEEP"]):
        open(os.environ["FAULT_MARKER"], "w").close()
        time.sleep(float(os.environ["FAULT_HANDLER_SLEEP"]))

app.worker_main(sys.argv[1:])
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(condition: Callable[[], bool], explain: Callable[[], str], seconds: float = WAIT_SECONDS) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(explain())


class PrivateRedis:
    """A throw-away `redis-server` that the test can stop and start again on the same port."""

    def __init__(self, binary: str, folder: Path) -> None:
        self.binary, self.folder, self.port = binary, folder, free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                   "--dir", str(self.folder), "--maxmemory-policy", "noeviction"]
        log = (self.folder / "redis.log").open("ab")
        self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        client = redis.Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=0.5)

        def answers() -> bool:
            try:
                return bool(client.ping())
            except redis.ConnectionError:
                return self.process.poll() is not None  # died: stop waiting, say so below

        wait_until(answers, lambda: "redis-server did not start:\n" + (self.folder / "redis.log").read_text(), 10)
        assert self.process.poll() is None, (self.folder / "redis.log").read_text()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def private_redis(tmp_path) -> Iterator[PrivateRedis]:
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is not on PATH: install it (Debian package redis-server) for the outbox fault tests")
    server = PrivateRedis(binary, tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def use_broker(transport_options: dict) -> None:
    """Make this process's Celery app reconnect, with these transport options, dropping every pooled connection.

    kombu keeps its pools in a process-wide registry keyed by broker: clearing it (as
    Celery does after a fork) leaves no closed pool behind for the next test to acquire.
    """
    kombu.pools.reset()
    app._pool = None
    if "amqp" in app.__dict__:
        app.amqp._producer_pool = None
    app.conf.broker_transport_options = transport_options


@pytest.fixture
def broker(private_redis, transactional_db, _tasks_run_in_process, monkeypatch) -> Iterator[PrivateRedis]:
    """This process sends its tasks to the private Redis, for real (not eagerly)."""
    app.conf.task_always_eager = False
    # Celery reads the broker from these variables before its settings: they must name the private Redis.
    monkeypatch.setenv("CELERY_BROKER_URL", private_redis.url)
    for variable in BROKER_OVERRIDES:
        monkeypatch.delenv(variable, raising=False)
    saved = app.conf.broker_transport_options
    use_broker({"visibility_timeout": 3600})
    try:
        yield private_redis
    finally:
        monkeypatch.undo()
        use_broker(saved)


@dataclass
class Worker:
    queue: str
    process: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@contextmanager
def worker(broker_url: str, folder: Path, *, handler_sleep: float = 0) -> Iterator[Worker]:
    """A real `celery worker` process on a queue of its own, on the test database and the given broker."""
    queue = f"consular-fault-{uuid4().hex[:12]}"
    log_path = folder / f"{queue}.log"
    environment = {
        **{name: value for name, value in os.environ.items() if name not in BROKER_OVERRIDES},
        "DATABASE_URL": test_database_url(), "CELERY_BROKER_URL": broker_url,
        "CELERY_TASK_ALWAYS_EAGER": "false", "FAULT_CLAIM_LEASE_SECONDS": str(CLAIM_LEASE_SECONDS),
        "FAULT_HANDLER_SLEEP": str(handler_sleep), "FAULT_MARKER": str(folder / f"{queue}.mid-handler"),
    }
    command = [
        sys.executable, "-c", WORKER_BOOT, "worker", "--pool=solo", "--concurrency=1", "--loglevel=INFO",
        "-Q", queue, "-n", f"{queue}@localhost", "--without-mingle", "--without-gossip",
    ]
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=settings.BASE_DIR, env=environment, stdout=log,
                                   stderr=subprocess.STDOUT)
    running = Worker(queue=queue, process=process, log_path=log_path)
    try:
        yield running
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def test_with_the_broker_down_transitions_commit_and_are_relayed_once_it_is_back(
    broker, nyc_clerk, nyc, hq, caplog, tmp_path
):
    actor = actor_for(nyc_clerk)
    broker.stop()

    with caplog.at_level(logging.WARNING, logger="consular.workflow.relay"):
        case = open_case("enquiry", person=PersonFactory(created_by_office=nyc), by=actor)
        fire(case, "start", by=actor, expected_version=case.version)

    case.refresh_from_db()
    assert (case.status, case.version, case.events.count()) == (Status.IN_PROGRESS, 2, 2)
    messages = OutboxMessage.objects.filter(case=case)
    assert sorted(messages.values_list("kind", "state", "attempts")) == [
        ("case_moved", "pending", 0), ("case_opened", "pending", 0)]
    lost = [r for r in caplog.records if r.name == "consular.workflow.relay" and "could not enqueue" in r.message]
    assert len(lost) == 2

    broker.start()
    with worker(broker.url, tmp_path) as relaying:
        sweep_outbox.apply_async(queue=relaying.queue)
        wait_until(
            lambda: not messages.exclude(state=OutboxMessage.State.DONE).exists(),
            lambda: f"messages not relayed: {list(messages.values('kind', 'state', 'last_error'))}\n" + relaying.log(),
        )

    assert sorted(messages.values_list("kind", "state", "attempts")) == [
        ("case_moved", "done", 1), ("case_opened", "done", 1)]


def test_a_worker_killed_mid_relay_loses_nothing_and_the_next_sweep_relays_it_exactly_once(broker, tmp_path):
    message = OutboxMessage.objects.create(kind=SLOW_KIND, payload={}, next_attempt_at=timezone.now())
    effects = WorkerHeartbeat.objects.filter(worker__startswith=f"{EFFECT_PREFIX}:{message.pk}:")

    with worker(broker.url, tmp_path, handler_sleep=120) as doomed:
        relay_outbox_message.apply_async((message.pk,), queue=doomed.queue)
        marker = tmp_path / f"{doomed.queue}.mid-handler"
        wait_until(marker.exists, lambda: "the worker never reached the handler:\n" + doomed.log())
        doomed.process.kill()  # SIGKILL: no clean-up, no acknowledgement
        doomed.process.wait()

    message.refresh_from_db()
    assert (message.state, message.attempts, message.done_at) == (OutboxMessage.State.PENDING, 0, None)
    assert message.claimed_until is not None, "the dead worker's claim should still stand until its lease ends"
    assert not effects.exists(), "the handler's effect must roll back with the killed relay"
    assert sweep() == 0, "a sweep inside the dead worker's lease leaves the message alone"

    wait_until(lambda: timezone.now() > message.claimed_until, lambda: "the lease never ended",
               CLAIM_LEASE_SECONDS + 5)
    with worker(broker.url, tmp_path) as survivor:
        sweep_outbox.apply_async(queue=survivor.queue)
        wait_until(
            lambda: OutboxMessage.objects.get(pk=message.pk).state == OutboxMessage.State.DONE,
            lambda: "the message was not relayed after the lease:\n" + survivor.log(),
        )

    message.refresh_from_db()
    assert (message.attempts, message.last_error) == (1, "")
    assert effects.count() == 1
