// Every page (base.html loads it; the CSP allows no inline script): after a failed submit, focus and
// show the error summary, and let its links put the cursor in the field they name. Without this
// script the summary is still the first thing in <main> and its links still jump to the fields.
(() => {
  "use strict";

  const showFirstError = () => {
    // The summary of a form's errors; else a refusal the page reports (a stale write, a step not allowed).
    const summary =
      document.querySelector("[data-error-summary]") || document.querySelector("main .alert--error[role=alert]");
    if (!summary) {
      return;
    }
    if (!summary.hasAttribute("tabindex")) {
      summary.setAttribute("tabindex", "-1");
    }
    summary.scrollIntoView({ block: "start" });
    summary.focus({ preventScroll: true });
  };

  document.addEventListener("click", (event) => {
    const link = event.target.closest && event.target.closest("[data-error-summary] a[href^='#']");
    if (!link) {
      return;
    }
    const target = document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!target) {
      return;
    }
    // A group of radios or checkboxes is linked by its box: the cursor goes to its first choice.
    const input = target.matches("input, select, textarea")
      ? target
      : target.querySelector("input:not([type=hidden]), select, textarea") || target;
    event.preventDefault();
    // Show the label and help above the input, not just the input at the top edge.
    (input.closest(".field") || input).scrollIntoView({ block: "start" });
    input.focus({ preventScroll: true });
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", showFirstError);
  } else {
    showFirstError();
  }
})();
