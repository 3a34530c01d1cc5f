"use strict";
(function () {
  const table = document.getElementById("table");
  const body = table.tBodies[0];
  const rows = Array.from(body.rows);
  const show = document.getElementById("show");
  const search = document.getElementById("search");
  const shown = document.getElementById("shown");

  function matches(row, choice, text) {
    if (choice === "fail" && !row.classList.contains("fail")) return false;
    if (choice === "warn" && !row.classList.contains("warn")) return false;
    if (/^\d+$/.test(choice) && row.dataset.codes.indexOf(" " + choice + " ") < 0) return false;
    return !text || row.cells[0].textContent.toLowerCase().indexOf(text) >= 0;
  }

  function filter() {
    const choice = show.value;
    const text = search.value.trim().toLowerCase();
    let count = 0;
    for (const row of rows) {
      const visible = matches(row, choice, text);
      row.hidden = !visible;
      if (visible) count += 1;
    }
    shown.textContent = count.toLocaleString("en") + " of " + rows.length.toLocaleString("en") + " files";
  }

  function sortBy(header) {
    const index = header.cellIndex;
    const numeric = header.dataset.type === "num";
    const ascending = header.getAttribute("aria-sort") !== "ascending";
    for (const other of header.parentNode.cells) other.removeAttribute("aria-sort");
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    const key = numeric
      ? (row) => parseFloat(row.cells[index].dataset.v)
      : (row) => row.cells[index].textContent;
    const keyed = rows.map((row) => [key(row), row]);
    keyed.sort(numeric ? (a, b) => a[0] - b[0] : (a, b) => a[0].localeCompare(b[0]));
    if (!ascending) keyed.reverse();
    const fragment = document.createDocumentFragment();
    for (const pair of keyed) fragment.appendChild(pair[1]);
    body.appendChild(fragment);
  }

  for (const header of table.tHead.rows[0].cells) {
    header.addEventListener("click", () => sortBy(header));
  }
  for (const link of document.querySelectorAll("a[data-code]")) {
    link.addEventListener("click", () => { show.value = link.dataset.code; filter(); });
  }
  show.addEventListener("change", filter);
  search.addEventListener("input", filter);
})();
