"""Numbering series: case references, receipts and batch numbers, each number given once.

A series is named by what it numbers, usually with the office and the year in it
(`E-2026-NYC`, `R-2026-LON`); `next_in_series` gives its next number. The counter row is
bumped with a single UPDATE, which holds the row's lock until the surrounding transaction
ends, so concurrent callers in one series queue on it: a rolled-back transaction may leave a
gap, never a duplicate. `hold_series` takes the same lock without using a number, for writers
that must commit in the order they began (a feed read with `since=`).
"""

from django.db.models import F

from consular.offices.models import ReferenceCounter


def next_in_series(series: str) -> int:
    """The next number of `series`, starting at 1: gaps possible, duplicates never."""
    ReferenceCounter.objects.get_or_create(series=series)
    ReferenceCounter.objects.filter(series=series).update(last=F("last") + 1)
    return ReferenceCounter.objects.values_list("last", flat=True).get(series=series)


def hold_series(series: str) -> None:
    """Queue on the series' lock until this transaction ends, without using a number."""
    ReferenceCounter.objects.get_or_create(series=series)
    ReferenceCounter.objects.select_for_update().get(series=series)
