"""Reading pages as a person does, without a browser: the links they can follow and the rows a list shows."""

from html.parser import HTMLParser
from urllib.parse import urlsplit


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def links(html: str) -> list[str]:
    """The site's own paths (with their query) that the page links to, in page order, fragments dropped."""
    parser = _Links()
    parser.feed(html)
    found = []
    for href in parser.hrefs:
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            continue
        found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


class _Rows(HTMLParser):
    """Counts the body rows of the first table after the element with `anchor` as its id (or in <main>).

    A heading met before any table ends the search: that section has no table, so no rows.
    """

    def __init__(self, anchor: str) -> None:
        super().__init__()
        self.anchor = anchor
        self.looking = False
        self.done = False
        self.table_depth = 0
        self.in_body = False
        self.rows = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if self.done:
            return
        attributes = dict(attrs)
        if not self.looking:
            if (self.anchor and attributes.get("id") == self.anchor) or (not self.anchor and tag == "main"):
                self.looking = True
            return
        if tag == "table":
            self.table_depth += 1
        elif self.table_depth == 0 and tag in ("h1", "h2") and self.anchor:
            self.done = True
        elif tag == "tbody" and self.table_depth == 1:
            self.in_body = True
        elif tag == "tr" and self.in_body and self.table_depth == 1:
            self.rows += 1

    def handle_endtag(self, tag: str) -> None:
        if self.done or not self.looking:
            return
        if tag == "tbody":
            self.in_body = False
        elif tag == "table":
            self.table_depth -= 1
            if self.table_depth == 0:
                self.done = True


def listed_rows(html: str, anchor: str = "") -> int:
    """How many rows the list under `anchor` (a heading's id; else the page's first table) shows."""
    parser = _Rows(anchor)
    parser.feed(html)
    return parser.rows
