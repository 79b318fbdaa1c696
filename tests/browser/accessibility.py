"""axe-core on every page the browser tests open: a serious or critical violation fails the test.

axe-core comes from the npm registry (package.json pins it, package-lock.json locks it; `npm ci`
installs it into node_modules/). It is added to every document as a Playwright init script,
which the DevTools protocol runs outside the page's CSP (script-src 'self' + nonce), so the
pages are checked exactly as served.

Each document runs axe once it has loaded (its styles applied, so contrast is measured as
shown) and again after every htmx swap, and reports back through a binding. So that no page
escapes because the test moved on before its check finished, a link click or form submission
made while a check runs waits for it in the page (and is then replayed), and `page.goto`,
`reload` and `go_back` wait for it in the test (`hold_navigations`). The page a test ends on
is waited for before its browser closes. (Holding navigations with `BrowserContext.route`
instead deadlocks: Playwright's sync API cannot serve the page's binding calls meanwhile.)
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import BrowserContext, Error, Page

ROOT = Path(__file__).resolve().parents[2]
AXE_SOURCE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
FAILING_IMPACTS = ("serious", "critical")
NODES_LISTED = 5
WAIT_SECONDS = 15
POLL_MS = 20

# Appended to axe's own source in the init script; runs at the start of every document.
RUN_ON_EVERY_PAGE = """
;(() => {
  if (window !== window.top || location.protocol === "about:" || document.contentType !== "text/html") {
    return;
  }
  const failing = %(impacts)s;
  const documentId = Math.random().toString(36).slice(2);
  let queue = Promise.resolve();
  let running = 0;
  // Bindings answer once the test has taken the call: awaited, so that a page is left only after its
  // report has arrived (a call still in flight when the page goes is lost).
  const check = () => {
    running += 1;
    const begun = window.__axeBegin(documentId, location.pathname + location.search);
    queue = queue.then(async () => {
      await begun;
      const url = location.pathname + location.search;
      try {
        const results = await window.axe.run(document, {resultTypes: ["violations"]});
        await window.__axeReport(documentId, {
          url,
          violations: results.violations
            .filter((violation) => failing.includes(violation.impact))
            .map((violation) => ({
              id: violation.id,
              impact: violation.impact,
              help: violation.help,
              nodes: violation.nodes.map((node) => node.target.join(" ") + " — " + (node.failureSummary || "")),
            })),
        });
      } catch (error) {
        await window.__axeReport(documentId, {url, error: String(error), violations: []});
      }
      running -= 1;
    });
  };
  // Counted from the start, so leaving before `load` also waits for the check.
  let loaded;
  queue = new Promise((resolve) => { loaded = resolve; });
  check();
  window.addEventListener("load", () => loaded());
  document.addEventListener("htmx:afterSettle", check);
  // Leaving the page while its check runs: wait for the check, then go on as the user asked.
  window.addEventListener("click", (event) => {
    const link = event.target.closest && event.target.closest("a[href]");
    if (!running || event.defaultPrevented || !link || link.target || link.hasAttribute("download")
        || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) {
      return;
    }
    const target = new URL(link.href, location.href);
    if (target.hash && target.pathname === location.pathname && target.search === location.search) {
      return;  // a link within the page
    }
    event.preventDefault();
    queue.then(() => location.assign(link.href));
  }, true);
  window.addEventListener("submit", (event) => {
    if (!running) {
      return;
    }
    event.preventDefault();
    event.stopImmediatePropagation();
    const form = event.target;
    const submitter = event.submitter;
    queue.then(() => form.requestSubmit(submitter));
  }, true);
})();
"""


def axe_source() -> str:
    """axe-core's script; a missing install is an error with the fix in it, never a skip."""
    if not AXE_SOURCE.exists():
        raise AssertionError(
            f"{AXE_SOURCE} is missing. The browser tests check every page with axe-core: run `npm ci` in {ROOT} "
            "(it installs the version package-lock.json pins)."
        )
    return AXE_SOURCE.read_text(encoding="utf-8")


@dataclass
class AccessibilityCheck:
    """The serious and critical axe-core violations of every page opened in one browser context."""

    source: str
    violations: list[str] = field(default_factory=list)
    pages_checked: int = 0
    # Per page: the document now shown, its address and how many of its checks have not reported.
    pending: dict[Page, tuple[str, str, int]] = field(default_factory=dict)

    def watch(self, context: BrowserContext) -> None:
        context.expose_binding("__axeBegin", self._begun)
        context.expose_binding("__axeReport", self._reported)
        context.add_init_script(self.source + RUN_ON_EVERY_PAGE % {"impacts": list(FAILING_IMPACTS)})

    def hold_navigations(self, page: Page) -> None:
        """`page.goto`, `reload` and `go_back` wait until the page shown has been checked."""
        for name in ("goto", "reload", "go_back"):
            navigate = getattr(page, name)

            def after_the_check(*args, navigate=navigate, **kwargs):
                self.wait_for(page)
                return navigate(*args, **kwargs)

            setattr(page, name, after_the_check)

    def _begun(self, source: dict, document: str, url: str) -> None:
        page = source["page"]
        shown, shown_url, running = self.pending.get(page, ("", "", 0))
        if shown != document and running:
            # Past the hold only by a page's own script, or by page.goto while another navigation was under way.
            self.violations.append(
                f"{shown_url}: the page was left before its axe-core check finished (a page.goto while it was "
                "still loading? wait for it first, e.g. with page.wait_for_url)"
            )
            running = 0
        self.pending[page] = (document, url, running + 1)

    def _reported(self, source: dict, document: str, result: dict) -> None:
        page = source["page"]
        shown, url, running = self.pending.get(page, ("", "", 0))
        if shown == document:
            self.pending[page] = (shown, url, max(0, running - 1))
        self.pages_checked += 1
        if result.get("error"):
            self.violations.append(f"{result['url']}: axe-core did not run: {result['error']}")
        for violation in result["violations"]:
            nodes = "\n      ".join(violation["nodes"][:NODES_LISTED])
            more = len(violation["nodes"]) - NODES_LISTED
            line = (
                f"{result['url']}: {violation['id']} ({violation['impact']}): {violation['help']}\n      {nodes}"
                + (f"\n      … and {more} more" if more > 0 else "")
            )
            if line not in self.violations:
                self.violations.append(line)

    def _running(self, page: Page) -> int:
        return self.pending.get(page, ("", "", 0))[2]

    def wait_for(self, page: Page) -> None:
        """Until the page's document has reported its checks (or WAIT_SECONDS pass, which is a failure)."""
        deadline = time.monotonic() + WAIT_SECONDS
        while self._running(page) and not page.is_closed():
            if time.monotonic() > deadline:
                self.violations.append(f"{page.url}: the axe-core check did not finish in {WAIT_SECONDS} s")
                self.pending.pop(page, None)
                return
            try:
                page.wait_for_timeout(POLL_MS)
            except Error:
                return  # the page closed meanwhile

    def report(self) -> str:
        return "axe-core found serious or critical violations:\n  " + "\n  ".join(self.violations)
