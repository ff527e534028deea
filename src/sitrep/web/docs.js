// The API reference page: built from /openapi.json, offline (FastAPI's own /docs page loads scripts from a CDN).
// All text is set with textContent.
"use strict";

(function () {
  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  async function main() {
    const box = document.getElementById("endpoints");
    try {
      const [spec, version] = await Promise.all([
        fetch("/openapi.json").then((r) => r.json()),
        fetch("/api/version").then((r) => r.json()),
      ]);
      document.getElementById("version").textContent =
        `sitrep ${version.sitrep} · spaCy ${version.spacy} · ${version.model.name} ${version.model.version || ""} · DuckDB ${version.duckdb}`;
      box.textContent = "";
      for (const [path, ops] of Object.entries(spec.paths)) {
        for (const [method, op] of Object.entries(ops)) {
          const card = el("section", "endpoint");
          const head = el("div");
          head.append(el("span", `method ${method}`, method.toUpperCase()), el("span", "path", path));
          card.append(head);
          if (op.summary) card.append(el("strong", null, op.summary));
          if (op.description) card.append(el("div", "desc", op.description));
          const params = op.parameters || [];
          if (params.length) {
            const table = el("table");
            const hr = el("tr");
            for (const h of ["parameter", "in", "type", "description"]) hr.append(el("th", null, h));
            table.append(hr);
            for (const p of params) {
              const tr = el("tr");
              const schema = p.schema || {};
              const type = schema.type || (schema.anyOf || []).map((s) => s.type).filter((t) => t && t !== "null").join(" | ");
              tr.append(el("td", "path", p.name), el("td", null, p.in), el("td", null, type + (schema.default !== undefined ? ` = ${schema.default}` : "")),
                el("td", null, p.description || ""));
              table.append(tr);
            }
            card.append(table);
          }
          if (op.requestBody) card.append(el("div", "muted", `body: ${Object.keys(op.requestBody.content || {}).join(" or ")}`));
          box.append(card);
        }
      }
    } catch (err) {
      box.textContent = `Could not load /openapi.json: ${err.message}`;
    }
  }
  document.addEventListener("DOMContentLoaded", main);
})();
