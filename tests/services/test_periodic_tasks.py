"""The beat schedule in settings, and the session clean-up it runs."""

from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from consular.accounts.tasks import clear_expired_sessions
from consular.celery import app


def scheduled_tasks() -> dict[str, float]:
    return {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}


def test_beat_sends_the_heartbeat_every_minute():
    assert scheduled_tasks()["consular.workflow.tasks.record_heartbeat"] == 60.0


def test_beat_clears_expired_sessions_every_hour():
    assert scheduled_tasks()["consular.accounts.tasks.clear_expired_sessions"] == 3600.0


def test_every_scheduled_task_names_a_registered_task():
    for path in scheduled_tasks():
        module, function = path.rsplit(".", 1)
        task = getattr(import_module(module), function)

        assert task.name == path
        assert path in app.tasks


def make_session(expire_date) -> str:
    store = SessionStore()
    store["marker"] = "x"
    store.create()
    Session.objects.filter(session_key=store.session_key).update(expire_date=expire_date)
    return store.session_key


def test_clear_expired_sessions_deletes_only_expired_sessions(db):
    now = timezone.now()
    expired = make_session(now - timedelta(seconds=1))
    live = make_session(now + timedelta(minutes=30))

    deleted = clear_expired_sessions()

    assert deleted == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == [live]
    assert not Session.objects.filter(session_key=expired).exists()
