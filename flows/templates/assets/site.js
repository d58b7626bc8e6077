/* policy-pipeline site: the paged table of the policies and changes pages, and evidence on the
   policy pages. Plain JavaScript, no framework, no network: the data come from <script src> files
   (window.POLICY_ROWS, window.CHANGE_ROWS) or inline JSON, because fetch() of a local file fails
   under file://. */
(function () {
  "use strict";

  var CONTEXT = 300; // characters on each side of a highlighted span (the page carries that much)

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === "text") node.textContent = attrs[name];
      else node.setAttribute(name, attrs[name]);
    });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function statusLabels() {
    var node = document.getElementById("status-labels");
    var labels = {};
    if (node) JSON.parse(node.textContent).forEach(function (s) { labels[s.value] = s.label; });
    return labels;
  }

  // ---------------------------------------------------------------- the paged table

  var COLUMNS = {
    policies: {
      payer: function (row) { return row.payer || "—"; },
      number: function (row) { return el("a", { href: row.url, text: row.number || row.key }); },
      title: function (row) { return el("a", { href: row.url, tabindex: "-1", text: row.title || "(untitled)" }); },
      effective: function (row) { return row.effective || "—"; },
      status: statusCell,
      codes: function (row) { return String(row.codes); },
      revisions: function (row) { return String(row.revisions); },
      changed: function (row) { return row.changed ? row.changed + " (" + row.change.replace("_", " ") + ")" : "—"; }
    },
    changes: {
      seq: function (row) { return String(row.seq); },
      at: function (row) { return el("time", { text: row.at }); },
      kind: function (row) { return el("span", { "class": "kind k-" + row.kind, text: row.kind.replace("_", " ") }); },
      payer: function (row) { return row.payer || "—"; },
      number: function (row) {
        var label = (row.number || row.key) + (row.title ? ": " + row.title : "");
        return row.url ? el("a", { href: row.url, text: label }) : label;
      },
      summary: function (row) { return row.summary || "—"; },
      previous_url: function (row) { return row.previous_url ? el("a", { href: row.previous_url, text: "previous revision" }) : "—"; }
    }
  };
  var TEXT_FIELDS = { policies: ["payer", "number", "title", "key", "effective"], changes: ["payer", "number", "title", "key", "summary", "kind"] };
  var LABELS = {};
  var DATES = { effective: true, changed: true, at: true };

  var STATUS_CLASS = { experimental_investigational_unproven: "eiu", not_medically_necessary: "nmn", not_covered: "nc",
    medically_necessary: "mn", medically_necessary_with_criteria: "mnc", mixed: "mixed" };

  function statusCell(row) {
    return el("span", { "class": "status s-" + (STATUS_CLASS[row.status] || "none"), "data-status": row.status,
      text: LABELS[row.status] || row.status || "—" });
  }

  function compare(a, b) {
    if (typeof a === "number" && typeof b === "number") return a - b;
    a = a == null ? "" : String(a); b = b == null ? "" : String(b);
    if (a === "" && b !== "") return 1;  // empty values last, in both directions
    if (b === "" && a !== "") return -1;
    return a.localeCompare(b, undefined, { numeric: true, sensitivity: "base" });
  }

  function setupTable(table) {
    var kind = table.getAttribute("data-table");
    var rows = window[table.getAttribute("data-rows")] || [];
    var columns = COLUMNS[kind];
    var keys = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) { return th.getAttribute("data-key"); });
    var body = table.tBodies[0];
    var haystacks = rows.map(function (row) {
      return TEXT_FIELDS[kind].map(function (f) { return row[f] || ""; }).join("\u0001").toLowerCase();
    });
    var selects = Array.prototype.slice.call(document.querySelectorAll("form.filters select[data-field]"));
    var text = document.getElementById("filter-text");
    var sizeBox = document.getElementById("page-size");
    var state = { sort: null, dir: 1, page: 0, size: parseInt(sizeBox.value, 10), shown: rows.map(function (_, i) { return i; }) };

    function filter() {
      var words = text.value.toLowerCase().split(/\s+/).filter(Boolean);
      var wanted = selects.map(function (s) { return [s.getAttribute("data-field"), s.value]; }).filter(function (f) { return f[1] !== ""; });
      var shown = [];
      for (var i = 0; i < rows.length; i++) {
        var row = rows[i], ok = true;
        for (var f = 0; f < wanted.length && ok; f++) ok = String(row[wanted[f][0]]) === wanted[f][1];
        for (var w = 0; w < words.length && ok; w++) ok = haystacks[i].indexOf(words[w]) !== -1;
        if (ok) shown.push(i);
      }
      if (state.sort) sortShown(shown);
      state.shown = shown;
      state.page = 0;
      draw();
    }

    function sortShown(shown) {
      var key = state.sort, dir = state.dir;
      shown.sort(function (a, b) { return dir * compare(rows[a][key], rows[b][key]) || a - b; });
    }

    function draw() {
      var pages = Math.max(1, Math.ceil(state.shown.length / state.size));
      state.page = Math.min(state.page, pages - 1);
      var start = state.page * state.size, end = Math.min(state.shown.length, start + state.size);
      var fragment = document.createDocumentFragment();
      for (var i = start; i < end; i++) {
        var row = rows[state.shown[i]];
        var tr = el("tr", { "data-key": row.key });
        keys.forEach(function (key) { tr.appendChild(el("td", DATES[key] ? { "class": "date" } : {}, [columns[key](row)])); });
        fragment.appendChild(tr);
      }
      body.textContent = "";
      body.appendChild(fragment);
      var of = state.shown.length === rows.length ? "" : " (filtered from " + rows.length.toLocaleString("en-US") + ")";
      document.getElementById("table-status").textContent = state.shown.length
        ? "Showing " + (start + 1).toLocaleString("en-US") + "–" + end.toLocaleString("en-US") + " of " + state.shown.length.toLocaleString("en-US") + of + "."
        : "Nothing matches" + of + ".";
      document.getElementById("page-info").textContent = "Page " + (state.page + 1) + " of " + pages;
      document.getElementById("page-first").disabled = document.getElementById("page-prev").disabled = state.page === 0;
      document.getElementById("page-next").disabled = document.getElementById("page-last").disabled = state.page >= pages - 1;
    }

    table.querySelectorAll("thead th").forEach(function (th) {
      th.querySelector("button").addEventListener("click", function () {
        var key = th.getAttribute("data-key");
        state.dir = state.sort === key ? -state.dir : 1;
        state.sort = key;
        table.querySelectorAll("thead th").forEach(function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", state.dir === 1 ? "ascending" : "descending");
        sortShown(state.shown);
        state.page = 0;
        draw();
      });
    });
    selects.forEach(function (s) { s.addEventListener("change", filter); });
    text.addEventListener("input", filter);
    document.querySelector("form.filters").addEventListener("submit", function (event) { event.preventDefault(); });
    sizeBox.addEventListener("change", function () { state.size = parseInt(sizeBox.value, 10); state.page = 0; draw(); });
    function go(page) { return function () { state.page = page(); draw(); }; }
    document.getElementById("page-first").addEventListener("click", go(function () { return 0; }));
    document.getElementById("page-prev").addEventListener("click", go(function () { return Math.max(0, state.page - 1); }));
    document.getElementById("page-next").addEventListener("click", go(function () { return state.page + 1; }));
    document.getElementById("page-last").addEventListener("click", go(function () { return Infinity; }));
    draw();
    window.siteTable = {
      readyAt: performance.now(),
      count: function () { return state.shown.length; },
      rows: function () { return state.shown.map(function (i) { return rows[i]; }); }
    };
  }

  // ---------------------------------------------------------------- evidence

  function setupEvidence(data) {
    // A value's panel is made the first time it is activated, right after its button.
    function show(button) {
      var index = parseInt(button.getAttribute("data-ev"), 10);
      var panel = document.getElementById("ev" + index);
      if (!panel) {
        panel = el("div", { "class": "evidence", id: "ev" + index, role: "region", "aria-label": "Evidence: " + button.textContent.slice(0, 60) });
        fill(panel, data, index);
        button.insertAdjacentElement("afterend", panel);
        button.setAttribute("aria-controls", panel.id);
      }
      var open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", open ? "true" : "false");
      panel.hidden = !open;
    }
    document.addEventListener("click", function (event) {
      var button = event.target.closest && event.target.closest("button.ev");
      if (button) show(button);
    });
  }

  function fill(panel, data, index) {
    var span = data.spans[index];
    var start = span[0], end = span[1], page = span[2], segment = data.segments[span[3]], inText = span[4] === 1;
    var offset = segment[0], text = segment[1];
    var from = Math.max(0, start - offset - CONTEXT), to = Math.min(text.length, end - offset + CONTEXT);
    if (from > 0) { var space = text.indexOf(" ", from); if (space !== -1 && space < start - offset) from = space + 1; }
    if (to < text.length) { var back = text.lastIndexOf(" ", to); if (back > end - offset) to = back; }
    var quote = el("blockquote", { "class": "context" }, [
      (from > 0 || offset > 0 ? "…" : "") + text.slice(from, start - offset),
      el("mark", { text: text.slice(start - offset, end - offset) }),
      text.slice(end - offset, to) + (to < text.length ? "…" : "")
    ]);
    var where = el("p", { "class": "where" }, [
      el("strong", { "class": "page", text: page ? "Page " + page : "Page unknown" }),
      " · characters " + start + "–" + end + " of the document's text"
    ]);
    panel.appendChild(where);
    panel.appendChild(quote);
    if (!inText) panel.appendChild(el("p", { "class": "note", text: "The feed holds no text around this value: only its own words are shown." }));
  }

  // ---------------------------------------------------------------- start

  LABELS = statusLabels();
  var table = document.getElementById("data-table");
  if (table) setupTable(table);
  var evidence = document.getElementById("evidence-data");
  if (evidence) setupEvidence(JSON.parse(evidence.textContent));
})();
