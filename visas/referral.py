"""Which visa decisions HQ makes: the category's own rule and the referral rules HQ keeps as data."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from visas import screening
from visas.models import ReferralRule, VisaApplication


def referral_reasons(application: VisaApplication) -> list[str]:
    """Why HQ must decide this application, in the reader's language; empty when the mission decides."""
    reasons = []
    if application.category.needs_hq:
        reasons.append(_("the category “%(category)s” is decided with HQ") % {"category": application.category.name})
    nationalities = application.case.person.nationalities or []
    rules = ReferralRule.objects.filter(active=True).filter(
        Q(category__isnull=True) | Q(category=application.category_id)
    ).filter(Q(nationality="") | Q(nationality__in=nationalities))
    confirmed = None
    for rule in rules:
        if rule.on_confirmed_hit:
            if confirmed is None:
                confirmed = screening.has_confirmed_hit(application.case)
            if not confirmed:
                continue
        reasons.append(rule.reason)
    return reasons
