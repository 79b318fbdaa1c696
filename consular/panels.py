"""What a home page is made of: panels of figures, each linking to the queue behind it.

A ground-floor module, because every floor contributes panels (`<app>/panels.py`, with
`panels(actor) -> list[Panel]`) and `consular.home`, above them all, lays them out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.functional import Promise


@dataclass(frozen=True)
class Figure:
    """One number on a home page and the page that lists what it counts ("" when there is none)."""

    label: str | Promise
    value: int | str | None
    url: str = ""
    # "warning" draws the eye (overdue, failed): the card gets a coloured edge, the number stays the same.
    tone: str = ""
    # A time instead of a count ("worker last seen"): shown as text.
    is_time: bool = False


@dataclass(frozen=True)
class Cell:
    """One cell of a panel's table; a count with a `url` links to the list of exactly what it counts."""

    value: int | str | Promise
    url: str = ""
    title: str = ""  # shown on hover, e.g. a person's username beside their name


@dataclass(frozen=True)
class Panel:
    """A titled group of figures; `order` places it on the page (lower first)."""

    key: str
    title: str | Promise
    figures: list[Figure]
    order: int = 50
    links: list[tuple[str | Promise, str]] = field(default_factory=list)
    # A small table under the figures (e.g. caseload by person): (headings, rows of cells).
    table: tuple[list[str | Promise], list[list[Cell]]] | None = None
    # Said when the table has no rows ("nobody has open cases").
    empty: str | Promise = ""


