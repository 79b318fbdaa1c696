// The print button of a paper (templates/paper.html): the browser's own print dialog.
// A file of this site, not an inline handler: the CSP allows scripts from here only.
for (const button of document.querySelectorAll("[data-print]")) {
  button.addEventListener("click", () => window.print());
}
