"""Which visa decisions HQ makes: the category's own rule and the referral rules HQ keeps as data.

A referral's reasons are kept as codes ("category:<code>", "rule:<id>") and put into words in
the reader's language when shown (`describe`): a referral written at a mission in English is
read at HQ in Japanese.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from visas import screening
from visas.models import ReferralRule, VisaApplication, VisaCategory


def referral_codes(application: VisaApplication) -> list[str]:
    """Why HQ must decide this application; empty when the mission decides."""
    codes = []
    if application.category.needs_hq:
        codes.append(f"category:{application.category.code}")
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
        codes.append(f"rule:{rule.pk}")
    return codes


def describe(codes: list[str]) -> list[str]:
    """The reasons in the reader's language."""
    rules = {f"rule:{rule.pk}": rule.reason for rule in ReferralRule.objects.filter(
        pk__in=[int(code[5:]) for code in codes if code.startswith("rule:") and code[5:].isdigit()])}
    categories = {f"category:{category.code}": category.name for category in VisaCategory.objects.filter(
        code__in=[code[9:] for code in codes if code.startswith("category:")])}
    texts = []
    for code in codes:
        if code in rules:
            texts.append(rules[code])
        elif code in categories:
            texts.append(_("the category “%(category)s” is decided with HQ") % {"category": categories[code]})
    return texts


def referral_reasons(application: VisaApplication) -> list[str]:
    return describe(referral_codes(application))
