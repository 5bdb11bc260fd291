/* The report's only script: sortable, filterable tables and charts that fit a phone.
   Inlined by assessment.render at the end of the page and allowed by the page's
   Content-Security-Policy by its SHA-256 hash (assessment.safe_html.csp): it runs, nothing else
   does.  It fetches nothing and sends nothing; without it the report reads the same, unsorted.
   - A table's column headers become buttons that sort its rows: numbers as numbers ("1,234",
     "12.5%", "+3.1%", "-4"), "<5" just below 5, blanks, "-" and "[c]" last either way.
   - A table of more than 10 rows gets a filter box: rows holding every word typed stay.
   - A chart wider than the screen (shown at the size its text can be read) gets a button
     to fit it to the screen and back. */
(function () {
  "use strict";
  var MISSING = /^(?:|\u2013|\u2014|-|\[c\]|n\/a|\.\.)$/i;
  var NUMBER = /^([<>\u2264\u2265]?)\s*([+\-\u2212]?)\s*\u00a3?(\d[\d,]*(?:\.\d+)?|\.\d+)/;
  var collator = new Intl.Collator("en-GB", {numeric: true, sensitivity: "base"});

  function key(cell) {  // a number, a text, or null (unknown: sorts last)
    var t = cell.textContent.replace(/\s+/g, " ").trim();
    if (MISSING.test(t)) return null;
    var m = NUMBER.exec(t);
    if (!m) return t;
    var v = parseFloat(m[3].replace(/,/g, "")) * (m[2] === "-" || m[2] === "\u2212" ? -1 : 1);
    var nudge = m[1] === "<" || m[1] === "\u2264" ? -1 : m[1] ? 1 : 0;  // "<5" just below 5
    return v + nudge * 1e-9 * Math.max(1, Math.abs(v));
  }

  function sortable(table) {
    var head = table.tHead;
    if (!head || head.rows.length !== 1 || table.tBodies.length !== 1) return null;
    var ths = Array.prototype.slice.call(head.rows[0].cells);
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var regular = function (cells) {
      return Array.prototype.every.call(cells, function (c) { return c.colSpan === 1 && c.rowSpan === 1; });
    };
    if (rows.length < 2 || !regular(ths) || !rows.every(function (r) {
      return r.cells.length === ths.length && regular(r.cells);
    })) return null;
    var order = new Map();
    rows.forEach(function (r, i) { order.set(r, i); });
    return {ths: ths, rows: rows, order: order, body: table.tBodies[0]};
  }

  function column(t, col) {  // the cells' keys, and whether the column holds numbers
    var keyed = t.rows.map(function (row) { return {row: row, i: t.order.get(row), k: key(row.cells[col])}; });
    var numbers = keyed.filter(function (x) { return typeof x.k === "number"; }).length;
    var numeric = numbers > 0 && numbers >= keyed.filter(function (x) { return typeof x.k === "string"; }).length;
    keyed.forEach(function (x) { if (numeric && typeof x.k !== "number") x.k = null; });
    return {keyed: keyed, numeric: numeric};
  }

  function sortBy(t, col, ascending) {
    var c = column(t, col);
    c.keyed.sort(function (a, b) {  // unknowns last; ties keep the report's order
      if (a.k === null || b.k === null) return (a.k === null) - (b.k === null) || a.i - b.i;
      var d = c.numeric ? a.k - b.k : collator.compare(a.k, b.k);
      return (ascending ? d : -d) || a.i - b.i;
    });
    c.keyed.forEach(function (x) { t.body.appendChild(x.row); });
    t.rows = c.keyed.map(function (x) { return x.row; });
  }

  function addSorting(t) {
    t.ths.forEach(function (th, col) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sa-sort";
      button.title = "Sort by this column";
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      button.addEventListener("click", function () {
        var state = th.getAttribute("aria-sort");  // first click: numbers largest first, words A to Z
        var ascending = state ? state === "descending" : !column(t, col).numeric;
        t.ths.forEach(function (other) { other.removeAttribute("aria-sort"); });
        sortBy(t, col, ascending);
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      });
    });
  }

  function addFilter(table, rows) {
    var texts = rows.map(function (r) {  // each cell's words, kept apart
      return Array.prototype.map.call(r.cells, function (c) { return c.textContent; }).join(" ").toLowerCase();
    });
    var box = document.createElement("div");
    box.className = "sa-filter";
    var label = document.createElement("label");
    label.textContent = "Filter rows ";
    var input = document.createElement("input");
    input.type = "search";
    input.autocomplete = "off";
    var caption = table.parentNode.querySelector("figcaption");
    if (caption) input.setAttribute("aria-label", "Filter the rows of: " + caption.textContent);
    label.appendChild(input);
    var count = document.createElement("span");
    count.className = "sa-count";
    count.setAttribute("aria-live", "polite");
    count.textContent = rows.length + " rows";
    box.appendChild(label);
    box.appendChild(count);
    table.parentNode.insertBefore(box, table);
    input.addEventListener("input", function () {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      rows.forEach(function (r, i) {
        var keep = words.every(function (w) { return texts[i].indexOf(w) >= 0; });
        r.hidden = !keep;
        shown += keep ? 1 : 0;
      });
      count.textContent = (shown === rows.length ? "" : shown + " of ") + rows.length + " rows";
    });
  }

  function addFit(figure) {
    var img = figure.querySelector("img[width]");
    if (!img) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "sa-fit-button";
    var show = function () {
      var fitted = figure.classList.contains("sa-fit");
      button.textContent = fitted ? "Show the chart at a readable size" : "Fit the chart to the screen";
      button.hidden = !fitted && Number(img.getAttribute("width")) <= figure.clientWidth + 1;
    };
    button.addEventListener("click", function () { figure.classList.toggle("sa-fit"); show(); });
    img.parentNode.insertBefore(button, img);
    show();
    window.addEventListener("resize", show);
  }

  Array.prototype.forEach.call(document.querySelectorAll("main table"), function (table) {
    var t = sortable(table);
    if (!t) return;
    addSorting(t);
    if (t.rows.length > 10) addFilter(table, t.rows);
  });
  Array.prototype.forEach.call(document.querySelectorAll("main figure.sa-figure"), addFit);
})();
