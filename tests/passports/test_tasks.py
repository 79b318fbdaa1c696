"""The hourly lapse job, as beat runs it: outside any office's scope, across every collection desk."""

from datetime import timedelta

from django.conf import settings

from passports.models import Passport, Status
from passports.tasks import lapse_uncollected_passports
from tests.passports.factories import approve, submit
from tests.passports.test_actions import produce_and_receive


def test_beat_runs_the_lapse_job_every_hour():
    schedule = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert schedule["passports.tasks.lapse_uncollected_passports"] == 3600.0


def test_the_task_lapses_a_passport_waiting_more_than_six_months(applicant, clerk, officer, hq_actor, hq):
    application = approve(submit(clerk, applicant), clerk, officer)
    passport = produce_and_receive(application, hq_actor, clerk)
    Passport.unscoped.filter(pk=passport.pk).update(issued_on=passport.issued_on - timedelta(days=200))

    assert lapse_uncollected_passports.apply().get() == 1

    application.case.refresh_from_db()
    assert application.case.status == Status.LAPSED
