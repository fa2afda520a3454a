// kg's query page: a CodeMirror editor, one-click examples, a results table with links, downloads
// in every format and errors inline. Everything comes from this server (no other origin).
(function () {
  "use strict";

  const page = document.getElementById("query-page");
  const config = JSON.parse(page.dataset.config);
  const endpoint = page.dataset.endpoint;
  const form = document.getElementById("query-form");
  const statusLine = document.getElementById("status");
  const errorBox = document.getElementById("error");
  const downloads = document.getElementById("downloads");
  const results = document.getElementById("results");
  const ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9";
  const WEB = /^https?:\/\//i;
  const LOCAL_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

  const editor = CodeMirror.fromTextArea(document.getElementById("query"), {
    mode: "sparql",
    lineNumbers: true,
    indentUnit: 2,
    extraKeys: { "Ctrl-Enter": run, "Cmd-Enter": run },
  });
  page.editor = editor;

  // How an IRI is shown and where it links.
  function localPath(iri) {
    if (!iri.startsWith(config.base)) return null;
    const rest = iri.slice(config.base.length);
    const slash = rest.indexOf("/");
    return slash > 0 && config.kinds.includes(rest.slice(0, slash)) ? config.root + rest : null;
  }

  function compact(iri) {
    let best = null;
    for (const [prefix, namespace] of Object.entries(config.prefixes)) {
      const local = iri.slice(namespace.length);
      if (iri.startsWith(namespace) && LOCAL_NAME.test(local)) {
        if (best === null || namespace.length > best[1].length) best = [prefix, namespace, local];
      }
    }
    return best === null ? iri : best[0] + ":" + best[2];
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function termNode(term) {
    if (!term) return document.createTextNode("");
    if (term.type === "uri") {
      const href = localPath(term.value) || (WEB.test(term.value) ? term.value : null);
      const node = element(href ? "a" : "span", "iri", compact(term.value));
      if (href) node.href = href;
      node.title = term.value;
      return node;
    }
    if (term.type === "bnode") return element("span", "bnode", "_:" + term.value);
    const span = element("span", "literal", term.value);
    const note = term["xml:lang"] ? "@" + term["xml:lang"] : term.datatype ? compact(term.datatype) : "";
    if (note) {
      const wrapper = element("span");
      wrapper.append(span, " ", element("span", "note", note));
      return wrapper;
    }
    return span;
  }

  function table(columns, rows) {
    const tableNode = element("table", "results-table");
    const headRow = tableNode.createTHead().insertRow();
    for (const column of columns) headRow.append(element("th", "", column));
    const body = tableNode.createTBody();
    for (const row of rows) {
      const tr = body.insertRow();
      for (const term of row) tr.insertCell().append(termNode(term));
    }
    return tableNode;
  }

  // N-Triples (what the endpoint sends for CONSTRUCT and DESCRIBE here) to rows of three terms.
  const NT_TERM = /<([^>]*)>|_:(\S+)|"((?:[^"\\]|\\.)*)"(?:@([A-Za-z0-9-]+)|\^\^<([^>]*)>)?/g;
  const ESCAPES = { t: "\t", b: "\b", n: "\n", r: "\r", f: "\f", '"': '"', "'": "'", "\\": "\\" };

  function unescape(text) {
    return text.replace(/\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))/g, (all, u4, u8, c) =>
      u4 || u8 ? String.fromCodePoint(parseInt(u4 || u8, 16)) : ESCAPES[c] ?? all);
  }

  function ntTerm(match) {
    if (match[1] !== undefined) return { type: "uri", value: unescape(match[1]) };
    if (match[2] !== undefined) return { type: "bnode", value: match[2] };
    const term = { type: "literal", value: unescape(match[3]) };
    if (match[4]) term["xml:lang"] = match[4];
    if (match[5]) term.datatype = match[5];
    return term;
  }

  function parseNTriples(text) {
    const rows = [];
    for (const line of text.split("\n")) {
      const terms = [];
      for (const match of line.matchAll(NT_TERM)) {
        terms.push(ntTerm(match));
        if (terms.length === 3) break;
      }
      if (terms.length === 3) rows.push(terms);
    }
    return rows;
  }

  function showDownloads(query, kind) {
    downloads.replaceChildren("Download:");
    for (const [name, suffix] of config.formats[kind]) {
      const params = new URLSearchParams({ query: query, format: name });
      const link = element("a", "download", name);
      link.href = endpoint + "?" + params.toString();
      link.download = "result" + suffix;
      downloads.append(link);
    }
    downloads.hidden = false;
  }

  function showSolutions(data, query) {
    if (typeof data.boolean === "boolean") {
      results.append(element("p", "boolean", String(data.boolean)));
      statusLine.textContent = "ASK: " + data.boolean;
    } else {
      const columns = data.head.vars;
      const rows = data.results.bindings.map((binding) => columns.map((c) => binding[c]));
      results.append(table(columns, rows));
      statusLine.textContent = rows.length + (rows.length === 1 ? " row" : " rows");
    }
    showDownloads(query, "results");
  }

  function showTriples(text, query) {
    const rows = parseNTriples(text);
    results.append(table(["subject", "predicate", "object"], rows));
    statusLine.textContent = rows.length + (rows.length === 1 ? " triple" : " triples");
    showDownloads(query, "graph");
  }

  function showError(text, status) {
    let message = text;
    try {
      message = JSON.parse(text).message || text;
    } catch (ignored) {
      // Not the endpoint's JSON error shape: show the body as it is.
    }
    errorBox.textContent = message || "HTTP " + status;
    errorBox.hidden = false;
    statusLine.textContent = "Error " + status;
  }

  function clear() {
    errorBox.hidden = true;
    errorBox.textContent = "";
    downloads.hidden = true;
    results.replaceChildren();
  }

  // Each run gets a number; answers of runs that a newer one has replaced are dropped, so two
  // quick runs (an example click, then Run) never render into the same table.
  let latestRun = 0;

  async function run(event) {
    if (event && event.preventDefault) event.preventDefault();
    const mine = ++latestRun;
    const query = editor.getValue();
    clear();
    statusLine.textContent = "Running…";
    let response;
    try {
      response = await fetch(endpoint, {
        method: "POST",
        headers: { Accept: ACCEPT },
        body: new URLSearchParams({ query: query }),
      });
    } catch (failure) {
      if (mine === latestRun) showError("The server did not answer: " + failure.message, 0);
      return;
    }
    const text = await response.text();
    if (mine !== latestRun) return;
    const type = (response.headers.get("Content-Type") || "").split(";")[0].trim();
    if (!response.ok) showError(text, response.status);
    else if (type === "application/n-triples") showTriples(text, query);
    else showSolutions(JSON.parse(text), query);
  }

  form.addEventListener("submit", run);
  for (const button of document.querySelectorAll("button.example")) {
    button.addEventListener("click", () => {
      for (const other of document.querySelectorAll("button.example.active")) {
        other.classList.remove("active");
      }
      button.classList.add("active");
      editor.setValue(button.dataset.query);
      run();
    });
  }
})();
