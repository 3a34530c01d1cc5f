"use strict";
(function () {
  const PAGE = 250;
  const PATH = 0, VERDICT = 1, CODES = 2, CODEC = 6, MESSAGES = 7, FIXES = 8;
  const NUMBERS = [3, 4, 5];
  const DIGITS = {3: 2, 4: 2, 5: 1};
  const rows = JSON.parse(document.getElementById("rows").textContent);
  const hints = JSON.parse(document.getElementById("hints").textContent);
  const table = document.getElementById("table");
  const body = table.tBodies[0];
  const show = document.getElementById("show");
  const search = document.getElementById("search");
  const shown = document.getElementById("shown");
  const more = document.getElementById("more");
  let order = rows.map((_, index) => index);
  let matching = order;
  let limit = PAGE;

  function matches(row, choice, text) {
    if ((choice === "fail" || choice === "warn") && row[VERDICT] !== choice) return false;
    if (/^\d+$/.test(choice) && row[CODES].indexOf(Number(choice)) < 0) return false;
    return !text || row[PATH].toLowerCase().indexOf(text) >= 0;
  }

  function cell(tr, text, css) {
    const td = tr.insertCell();
    td.textContent = text;
    if (css) td.className = css;
  }

  function number(value, digits) {
    return value === null ? "–" : value.toFixed(digits);
  }

  function rowElement(row) {
    const tr = document.createElement("tr");
    tr.className = row[VERDICT];
    cell(tr, row[PATH]);
    cell(tr, row[VERDICT]);
    cell(tr, row[CODES].join(" "));
    for (const index of NUMBERS) cell(tr, number(row[index], DIGITS[index]), "num");
    cell(tr, row[CODEC]);
    cell(tr, row[MESSAGES].join("\n"), "messages");
    cell(tr, row[FIXES].map((index) => hints[index]).join("\n"), "fix");
    return tr;
  }

  function render() {
    const fragment = document.createDocumentFragment();
    for (const index of matching.slice(0, limit)) fragment.appendChild(rowElement(rows[index]));
    body.replaceChildren(fragment);
    const count = matching.length.toLocaleString("en");
    shown.textContent = count + " of " + rows.length.toLocaleString("en") + " files";
    more.hidden = matching.length <= limit;
    more.textContent = "Show " + Math.min(PAGE, matching.length - limit).toLocaleString("en") +
      " more (" + Math.min(limit, matching.length).toLocaleString("en") + " of " + count + " shown)";
  }

  function filter() {
    const choice = show.value;
    const text = search.value.trim().toLowerCase();
    matching = order.filter((index) => matches(rows[index], choice, text));
    limit = PAGE;
    render();
  }

  function sortKey(index) {
    if (NUMBERS.indexOf(index) >= 0) return (row) => (row[index] === null ? -1 : row[index]);
    if (index === CODES) return (row) => row[CODES].join(" ");
    if (index === MESSAGES) return (row) => row[MESSAGES].join(" ");
    if (index === FIXES) return (row) => row[FIXES].map((n) => hints[n]).join(" ");
    return (row) => row[index];
  }

  function sortBy(header) {
    const ascending = header.getAttribute("aria-sort") !== "ascending";
    for (const other of header.parentNode.cells) other.removeAttribute("aria-sort");
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    const key = sortKey(header.cellIndex);
    const numeric = header.dataset.type === "num";
    const keys = rows.map(key);
    order = rows.map((_, index) => index);
    order.sort(numeric ? (a, b) => keys[a] - keys[b] : (a, b) => String(keys[a]).localeCompare(String(keys[b])));
    if (!ascending) order.reverse();
    filter();
  }

  for (const header of table.tHead.rows[0].cells) {
    header.addEventListener("click", () => sortBy(header));
  }
  for (const link of document.querySelectorAll("a[data-code]")) {
    link.addEventListener("click", () => { show.value = link.dataset.code; filter(); });
  }
  show.addEventListener("change", filter);
  search.addEventListener("input", filter);
  more.addEventListener("click", () => { limit += PAGE; render(); });
  render();
})();
