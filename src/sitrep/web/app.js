// sitrep dashboard: plain JavaScript, no build step, no external library, nothing loaded from elsewhere.
//
// Safety rule for this whole file: text that comes from the store (article text, titles, URLs, actor
// names, quotes...) is only ever put into the page with textContent / setAttribute / createTextNode.
// innerHTML is never used. Links are made only for http(s) URLs.
//
// Offsets from the API are Python code-point indices; JavaScript strings are UTF-16. The article text is
// split with Array.from (one element per code point), so code-point offsets index it directly, and
// emoji or other non-BMP characters cannot shift a highlight.
"use strict";

(function () {
  const TYPE_GROUPS = {
    cooperation: ["AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT"],
    verbal_conflict: ["REQUEST", "ACCUSE", "REJECT", "THREATEN"],
    material_conflict: ["PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"],
  };
  const GROUP_LABEL = { cooperation: "cooperation", verbal_conflict: "verbal conflict", material_conflict: "material conflict" };
  const GROUP_OF = {};
  for (const [g, types] of Object.entries(TYPE_GROUPS)) for (const t of types) GROUP_OF[t] = g;
  const ALL_TYPES = Object.values(TYPE_GROUPS).flat();
  const STATUSES = ["asserted", "reported", "claimed", "disputed", "denied", "hedged", "planned", "negated"];
  const FILTER_KEYS = ["date_from", "date_to", "type", "status", "country", "actor", "q", "bbox"];
  const PAGE = 50;
  const SVGNS = "http://www.w3.org/2000/svg";

  const state = { filters: {}, offset: 0, countryNames: {}, world: null, view: { x: -180, y: -84, w: 360, h: 144 } };
  let loadSeq = 0;

  // -- small DOM helpers (all text goes through textContent) -------------------------------------------------
  const $ = (sel) => document.querySelector(sel);
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") node.className = v;
      else if (k === "text") node.textContent = String(v);
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, String(v));
    }
    for (const c of children) if (c !== null && c !== undefined) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return node;
  }
  function svg(tag, attrs) {
    const node = document.createElementNS(SVGNS, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    return node;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function safeHref(url) {
    // Only http(s) URLs become links; anything else (javascript:, data:) stays plain text.
    try { const u = new URL(url, window.location.href); return (u.protocol === "http:" || u.protocol === "https:") && /^https?:/i.test(url) ? u.href : null; }
    catch (e) { return null; }
  }
  function countryName(code) { return state.countryNames[code] ? `${state.countryNames[code]} (${code})` : code; }
  function actorsText(list) {
    if (!list || !list.length) return "—";
    return list.map((a) => a.country ? `${a.name} [${a.country}]` : a.name).join(", ");
  }

  // -- API -----------------------------------------------------------------------------------------------------
  function query(params) {
    const usp = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "") usp.set(k, v);
    const s = usp.toString();
    return s ? `?${s}` : "";
  }
  async function api(path, params) {
    const res = await fetch(path + query(params || {}), { headers: { Accept: "application/json" } });
    let body = null;
    try { body = await res.json(); } catch (e) { body = null; }
    if (!res.ok) throw new Error((body && body.error) || `${res.status} ${res.statusText}`);
    return body;
  }
  function showError(err) {
    const b = $("#banner");
    b.textContent = `Could not load data: ${err.message || err}`;
    b.hidden = false;
  }

  // -- tooltip -----------------------------------------------------------------------------------------------
  const tip = () => $("#tooltip");
  function showTip(evt, build) {
    const t = tip();
    clear(t);
    build(t);
    t.hidden = false;
    moveTip(evt);
  }
  function moveTip(evt) {
    const t = tip();
    const pad = 14;
    let x = evt.clientX + pad, y = evt.clientY + pad;
    const r = t.getBoundingClientRect();
    if (x + r.width > window.innerWidth - 8) x = evt.clientX - r.width - pad;
    if (y + r.height > window.innerHeight - 8) y = evt.clientY - r.height - pad;
    t.style.left = `${Math.max(4, x)}px`;
    t.style.top = `${Math.max(4, y)}px`;
  }
  function hideTip() { tip().hidden = true; }
  function eventTip(node, e) {
    node.append(el("div", { class: "tip-title" }, el("span", { class: `type-chip ${e.group || ""}`, text: e.type }), " ",
      el("span", { class: `status status-${e.status}`, text: e.status })));
    const rows = [["sources", actorsText(e.sources)], ["targets", actorsText(e.targets)],
      ["when", e.date ? [e.date.value, e.date.text ? `“${e.date.text}”` : ""].filter(Boolean).join(" ") : "—"],
      ["where", e.place ? [e.place.name, e.place.precision ? `(${e.place.precision})` : ""].filter(Boolean).join(" ") : "—"],
      ["trigger", e.trigger ? e.trigger.text : "—"], ["mode", e.mode || "—"],
      ["confidence", e.confidence != null ? Number(e.confidence).toFixed(2) : "—"]];
    const dl = el("dl", { class: "tip-grid" });
    for (const [k, v] of rows) dl.append(el("dt", { text: k }), el("dd", { text: v }));
    node.append(dl);
    const quote = e.quote || e._quote;
    if (quote && quote.text) {
      node.append(el("blockquote", { text: `“${quote.text}”` }));
      if (quote.speaker) node.append(el("div", { class: "tip-speaker", text: `— ${quote.speaker}` }));
    }
  }

  // -- routing ---------------------------------------------------------------------------------------------
  function parseHash() {
    const h = window.location.hash.replace(/^#/, "") || "/events";
    const [path, qs] = h.split("?");
    return { parts: path.split("/").filter(Boolean).map(decodeURIComponent), params: new URLSearchParams(qs || "") };
  }
  function filtersToHash() {
    const params = {};
    for (const k of FILTER_KEYS) if (state.filters[k]) params[k] = state.filters[k];
    return query(params);
  }
  function go(hash) { if (window.location.hash !== hash) window.location.hash = hash; else route(); }

  async function route() {
    hideTip();
    const { parts, params } = parseHash();
    const view = parts[0] || "events";
    state.filters = {};
    for (const k of FILTER_KEYS) if (params.get(k)) state.filters[k] = params.get(k);
    if (view !== "article") state.offset = Number(params.get("offset") || 0);
    // The view's requests go out first, so the server answers while the page is being set up below.
    const pending = view === "article" ? requestArticle(parts[1]) : view === "stories" ? requestStories(parts[1]) : requestEvents();
    pending.catch(() => {});  // a failure is reported once, where the view awaits it
    syncFilterForm();
    for (const v of ["events", "article", "stories"]) $(`#view-${v}`).hidden = v !== view;
    $("#filters").hidden = view === "article";
    // status, actor and text search filter events, not story events: hide them on the stories view
    for (const name of ["status", "actor", "q"]) $("#filters").elements[name].closest("label").hidden = view === "stories";
    for (const a of document.querySelectorAll("nav a[data-view]")) a.classList.toggle("active", a.dataset.view === view);
    document.body.dataset.ready = "";
    const seq = ++loadSeq;
    try {
      if (view === "article") showArticle(await pending, params.get("event"));
      else if (view === "stories") await showStories(await pending, parts[1]);
      else showEvents(await pending);
      $("#banner").hidden = true;
    } catch (err) { showError(err); }
    if (seq === loadSeq) document.body.dataset.ready = "1";
  }

  // -- filters form ----------------------------------------------------------------------------------------
  function syncFilterForm() {
    const form = $("#filters");
    for (const k of FILTER_KEYS) {
      const input = form.elements[k];
      if (!input) continue;
      const v = state.filters[k] || "";
      if (input.tagName === "SELECT" && v && ![...input.options].some((o) => o.value === v)) {
        input.append(el("option", { value: v, text: k === "country" ? countryName(v) : v }));
      }
      input.value = v;
    }
    const chip = $("#bbox-chip");
    clear(chip);
    if (state.filters.bbox) {
      chip.append(`area ${state.filters.bbox.split(",").map((n) => Number(n).toFixed(1)).join(", ")} `,
        el("button", { type: "button", title: "Remove the area filter", text: "×", onclick: () => setFilter({ bbox: "" }) }));
      chip.hidden = false;
    } else chip.hidden = true;
  }
  function setFilter(changes) {
    const f = { ...state.filters, ...changes };
    for (const k of Object.keys(f)) if (!f[k]) delete f[k];
    state.filters = f;
    const view = parseHash().parts[0] === "stories" ? "stories" : "events";
    go(`#/${view}${filtersToHash()}`);
  }
  function fillSelect(select, values, label) {
    const current = select.value;
    const first = select.options[0];
    clear(select);
    select.append(first);
    for (const v of values) select.append(el("option", { value: v.value, text: label(v) }));
    select.value = current;
  }

  // -- events view -------------------------------------------------------------------------------------------
  function requestEvents() {
    const f = state.filters;
    return Promise.all([
      api("/api/events", { ...f, limit: PAGE, offset: state.offset }),
      api("/api/event-locations", f),
      api("/api/timeline", f),
      api("/api/facets", { ...f, type: "", status: "", country: "" }),
      ensureWorld(),
    ]);
  }
  function showEvents([events, locations, timeline, facets]) {
    fillSelect($("#filters").elements.type, facets.types.length ? facets.types : ALL_TYPES.map((t) => ({ value: t, count: 0 })),
      (v) => v.count ? `${v.value} (${v.count})` : v.value);
    fillSelect($("#filters").elements.status, facets.statuses.length ? facets.statuses : STATUSES.map((s) => ({ value: s, count: 0 })),
      (v) => v.count ? `${v.value} (${v.count})` : v.value);
    fillSelect($("#filters").elements.country, facets.countries, (v) => `${countryName(v.value)} · ${v.count}`);
    syncFilterForm();
    renderTable(events);
    renderMap(locations.items);
    renderTimeline(timeline);
  }

  function renderTable(page) {
    const tbody = $("#events-table tbody");
    clear(tbody);
    if (!page.items.length) {
      tbody.append(el("tr", {}, el("td", { colspan: 7, class: "empty", text: "No events match these filters." })));
    }
    for (const e of page.items) {
      const href = `#/article/${encodeURIComponent(e.article_id)}?event=${encodeURIComponent(e.id)}`;
      const tr = el("tr", { class: "event-row", tabindex: 0, "data-article": e.article_id, "data-event": e.id },
        el("td", { class: "nowrap", text: e.date ? (e.date.day || e.date.value || "") : "" }),
        el("td", {}, el("span", { class: `type-chip ${e.group || ""}`, text: e.type })),
        el("td", {}, el("span", { class: `status status-${e.status}`, text: e.status })),
        el("td", { class: "who" }, el("span", { text: actorsText(e.sources) }), el("span", { class: "arrow", text: " → " }), el("span", { text: actorsText(e.targets) })),
        el("td", { text: e.place ? e.place.name : "" }),
        el("td", { class: "trigger", text: e.trigger ? e.trigger.text : "" }),
        el("td", { class: "article-cell" }, el("a", { href, text: e.article.title || e.article_id })));
      tr.addEventListener("click", (evt) => { if (evt.target.tagName !== "A") go(href); });
      tr.addEventListener("keydown", (evt) => { if (evt.key === "Enter") go(href); });
      tr.addEventListener("mouseenter", (evt) => showTip(evt, (n) => eventTip(n, e)));
      tr.addEventListener("mousemove", moveTip);
      tr.addEventListener("mouseleave", hideTip);
      tbody.append(tr);
    }
    const from = page.total ? state.offset + 1 : 0;
    const to = Math.min(state.offset + page.items.length, page.total);
    $("#page-info").textContent = `${from}–${to} of ${page.total}`;
    $("#events-count").textContent = `${page.total} matching`;
    $("#prev-page").disabled = state.offset <= 0;
    $("#next-page").disabled = !page.next;
    const params = {};
    for (const k of FILTER_KEYS) if (state.filters[k]) params[k] = state.filters[k];
    $("#dl-csv").setAttribute("href", "/api/events" + query({ ...params, format: "csv" }));
    $("#dl-geojson").setAttribute("href", "/api/events" + query({ ...params, format: "geojson" }));
  }

  // -- map ---------------------------------------------------------------------------------------------------
  async function ensureWorld() {
    if (state.world) return state.world;
    const res = await fetch("/static/world.geojson");
    if (!res.ok) throw new Error("basemap missing");
    state.world = await res.json();
    for (const f of state.world.features) if (f.properties.iso_a3 && f.properties.iso_a3 !== "-99") state.countryNames[f.properties.iso_a3] = f.properties.name;
    return state.world;
  }
  function ringPath(ring) { return "M" + ring.map(([lon, lat]) => `${lon.toFixed(1)},${(-lat).toFixed(1)}`).join("L") + "Z"; }
  let mapBuilt = false;
  function buildMap() {
    const map = $("#map");
    clear(map);
    const countries = svg("g", { class: "countries" });
    // One listener set on the group, not a <title> and a listener per country: fewer elements to style and
    // lay out on every cold load. The country's name shows in the tooltip instead.
    state.world.features.forEach((f, i) => {
      const d = f.geometry.coordinates.map((poly) => poly.map(ringPath).join("")).join("");
      countries.append(svg("path", { d, class: "country", "data-iso": f.properties.iso_a3, "data-i": i }));
    });
    const featureOf = (evt) => {
      const p = evt.target.closest && evt.target.closest("path.country");
      return p ? state.world.features[Number(p.dataset.i)] : null;
    };
    countries.addEventListener("mouseover", (evt) => {
      const f = featureOf(evt);
      if (f) showTip(evt, (n) => n.append(el("div", { class: "tip-title", text: f.properties.name })));
    });
    countries.addEventListener("mousemove", (evt) => { if (!tip().hidden) moveTip(evt); });
    countries.addEventListener("mouseout", (evt) => { if (!evt.relatedTarget || !evt.relatedTarget.closest || !evt.relatedTarget.closest("path.country")) hideTip(); });
    countries.addEventListener("click", (evt) => {
      const f = featureOf(evt);
      if (f && !state.dragged && f.properties.iso_a3 !== "-99") setFilter({ country: state.filters.country === f.properties.iso_a3 ? "" : f.properties.iso_a3 });
    });
    map.append(svg("rect", { x: -200, y: -100, width: 400, height: 200, class: "sea" }), countries, svg("g", { class: "dots" }));
    // zoom with the wheel, pan by dragging
    map.addEventListener("wheel", (evt) => { evt.preventDefault(); zoomAt(evt.deltaY < 0 ? 0.8 : 1.25, evt); }, { passive: false });
    let start = null;
    map.addEventListener("pointerdown", (evt) => { start = { x: evt.clientX, y: evt.clientY, view: { ...state.view } }; state.dragged = false; });
    window.addEventListener("pointermove", (evt) => {
      if (!start) return;
      const r = map.getBoundingClientRect();
      const dx = (evt.clientX - start.x) * state.view.w / r.width, dy = (evt.clientY - start.y) * state.view.h / r.height;
      if (Math.abs(evt.clientX - start.x) + Math.abs(evt.clientY - start.y) > 4) state.dragged = true;
      if (state.dragged) { state.view.x = start.view.x - dx; state.view.y = start.view.y - dy; applyView(); }
    });
    window.addEventListener("pointerup", () => { start = null; setTimeout(() => { state.dragged = false; }, 0); });
    mapBuilt = true;
    applyView();
  }
  function applyView() {
    const v = state.view;
    v.w = Math.min(360, Math.max(2, v.w)); v.h = v.w * 0.4;
    v.x = Math.min(180 - v.w, Math.max(-180, v.x)); v.y = Math.min(90 - v.h, Math.max(-90, v.y));
    $("#map").setAttribute("viewBox", `${v.x} ${v.y} ${v.w} ${v.h}`);
    const k = v.w / 360;
    for (const c of document.querySelectorAll("#map .dot")) c.setAttribute("r", String(Number(c.dataset.r) * k));
    $("#map .countries").style.strokeWidth = String(0.3 * k);
  }
  function zoomAt(factor, evt) {
    const v = state.view, r = $("#map").getBoundingClientRect();
    const fx = evt ? (evt.clientX - r.left) / r.width : 0.5, fy = evt ? (evt.clientY - r.top) / r.height : 0.5;
    const cx = v.x + fx * v.w, cy = v.y + fy * v.h;
    v.w *= factor; v.h = v.w * 0.4;
    v.x = cx - fx * v.w; v.y = cy - fy * v.h;
    applyView();
  }
  function renderMap(items) {
    if (!mapBuilt) buildMap();
    for (const p of document.querySelectorAll("#map .country")) p.classList.toggle("selected", p.dataset.iso === state.filters.country);
    const dots = $("#map .dots");
    clear(dots);
    const max = Math.max(1, ...items.map((i) => i.events));
    for (const item of [...items].sort((a, b) => b.events - a.events)) {
      const group = ["material_conflict", "verbal_conflict", "cooperation"].reduce((best, g) => (item[g] > (item[best] || 0) ? g : best), "cooperation");
      const r = 1.6 + 5 * Math.sqrt(item.events / max);
      const c = svg("circle", { cx: item.lon, cy: -item.lat, r, "data-r": r, class: `dot ${group}` });
      c.addEventListener("mouseenter", (evt) => showTip(evt, (n) => {
        n.append(el("div", { class: "tip-title", text: item.name || `${item.lat}, ${item.lon}` }));
        n.append(el("div", { text: `${item.events} event${item.events === 1 ? "" : "s"} · ${item.precision || "?"} precision` }));
        for (const g of Object.keys(TYPE_GROUPS)) if (item[g]) n.append(el("div", { class: `tip-group ${g}`, text: `${GROUP_LABEL[g]}: ${item[g]}` }));
        n.append(el("div", { class: "tip-note", text: `${item.first || "?"} … ${item.last || "?"}` }));
      }));
      c.addEventListener("mousemove", moveTip);
      c.addEventListener("mouseleave", hideTip);
      c.addEventListener("click", (evt) => {
        evt.stopPropagation();
        if (state.dragged) return;
        const d = 0.05;
        setFilter({ bbox: [item.lon - d, item.lat - d, item.lon + d, item.lat + d].map((n) => n.toFixed(3)).join(",") });
      });
      dots.append(c);
    }
    applyView();
    const legend = $("#map-legend");
    clear(legend);
    for (const g of Object.keys(TYPE_GROUPS)) legend.append(el("span", { class: `legend-item ${g}` }, el("i"), GROUP_LABEL[g]));
    legend.append(el("span", { class: "hint", text: `${items.length} location${items.length === 1 ? "" : "s"} · Natural Earth basemap` }));
  }

  // -- timeline --------------------------------------------------------------------------------------------
  function renderTimeline(tl) {
    const box = $("#timeline");
    clear(box);
    const W = 600, H = 130, left = 30, bottom = 20, top = 8;
    box.setAttribute("viewBox", `0 0 ${W} ${H}`);
    $("#timeline-hint").textContent = tl.items.length ? `per ${tl.bucket} · click a bar to keep only that ${tl.bucket}` : "";
    if (!tl.items.length) {
      const t = svg("text", { x: W / 2, y: H / 2, "text-anchor": "middle", class: "empty-text" });
      t.textContent = "No dated events match these filters.";
      box.append(t);
      return;
    }
    const max = Math.max(...tl.items.map((i) => i.events));
    const n = tl.items.length;
    // A real time axis: each bucket sits at its date, so gaps in the record show as gaps.
    const t0 = Date.parse(`${tl.items[0].date}T00:00:00Z`);
    const tEnd = Date.parse(`${bucketEnd(tl.items[n - 1].date, tl.bucket)}T00:00:00Z`) + 86400000;
    const xOf = (date) => left + (W - left - 4) * (Date.parse(`${date}T00:00:00Z`) - t0) / Math.max(1, tEnd - t0);
    const bwOf = (date) => Math.max(2.5, xOf(bucketEnd(date, tl.bucket)) + (W - left - 4) * 86400000 / Math.max(1, tEnd - t0) - xOf(date));
    const y = (v) => H - bottom - (v / max) * (H - bottom - top);
    box.append(svg("line", { x1: left, x2: W, y1: H - bottom, y2: H - bottom, class: "axis" }));
    for (const v of [max]) {
      const label = svg("text", { x: left - 4, y: y(v) + 4, "text-anchor": "end", class: "tick" });
      label.textContent = String(v);
      box.append(label);
    }
    // One <path> per type group holds all of its bars, and one transparent rectangle takes the pointer for
    // every bucket: a timeline of a few hundred buckets is then a handful of elements, not one <g> and
    // three to five <rect>s per bucket (those were a quarter of the events view's elements, and each
    // element costs style and layout time on every cold load).
    const xs = [];
    const bars = { material_conflict: [], verbal_conflict: [], cooperation: [], other: [] };
    for (const item of tl.items) {
      const x = xOf(item.date), bw = bwOf(item.date);
      xs.push([x, bw]);
      let base = 0;
      const rx = (x + bw * 0.08).toFixed(2), rw = Math.max(bw * 0.84, 1.5).toFixed(2);
      for (const grp of ["material_conflict", "verbal_conflict", "cooperation", "other"]) {
        const v = grp === "other" ? item.events - base : item[grp];
        if (!(v > 0)) continue;
        bars[grp].push(`M${rx},${y(base + v).toFixed(2)}h${rw}V${y(base).toFixed(2)}h-${rw}Z`);
        base += v;
      }
    }
    const group = svg("g", { class: "bars", "data-buckets": n });
    for (const [grp, parts] of Object.entries(bars)) if (parts.length) group.append(svg("path", { d: parts.join(""), class: grp }));
    const marker = svg("rect", { class: "hover-bucket", y: top, height: H - bottom - top, x: 0, width: 0, visibility: "hidden" });
    const hit = svg("rect", { class: "hit", x: left, y: top, width: W - left, height: H - bottom - top });
    box.append(marker, group, hit);
    // the bucket under the pointer: the last one starting at or left of it, if the pointer is on its bar
    const bucketAt = (evt) => {
      const r = box.getBoundingClientRect();
      const px = (evt.clientX - r.left) * W / r.width;
      let lo = 0, hi = n - 1, found = -1;
      while (lo <= hi) { const mid = (lo + hi) >> 1; if (xs[mid][0] - 1 <= px) { found = mid; lo = mid + 1; } else hi = mid - 1; }
      return found >= 0 && px <= xs[found][0] + xs[found][1] + 1 ? found : -1;
    };
    let shown = -1;
    hit.addEventListener("mousemove", (evt) => {
      const i = bucketAt(evt);
      if (i !== shown) {
        shown = i;
        if (i < 0) { hideTip(); marker.setAttribute("visibility", "hidden"); return; }
        const item = tl.items[i];
        marker.setAttribute("x", String(xs[i][0] - 1)); marker.setAttribute("width", String(xs[i][1] + 2));
        marker.setAttribute("visibility", "visible");
        showTip(evt, (nd) => {
          nd.append(el("div", { class: "tip-title", text: `${tl.bucket} of ${item.date}` }));
          nd.append(el("div", { text: `${item.events} event${item.events === 1 ? "" : "s"}` }));
          for (const grp of Object.keys(TYPE_GROUPS)) if (item[grp]) nd.append(el("div", { class: `tip-group ${grp}`, text: `${GROUP_LABEL[grp]}: ${item[grp]}` }));
        });
      } else if (i >= 0) moveTip(evt);
    });
    hit.addEventListener("mouseleave", () => { shown = -1; hideTip(); marker.setAttribute("visibility", "hidden"); });
    hit.addEventListener("click", (evt) => {
      const i = bucketAt(evt);
      if (i >= 0) setFilter({ date_from: tl.items[i].date, date_to: bucketEnd(tl.items[i].date, tl.bucket) });
    });
    const ticks = n === 1 ? [0] : [0, Math.floor((n - 1) / 2), n - 1];
    for (const i of [...new Set(ticks)]) {
      const t = svg("text", { x: i === n - 1 && n > 1 ? xs[i][0] + xs[i][1] : xs[i][0], y: H - 5, "text-anchor": i === 0 && n > 1 ? "start" : i === n - 1 && n > 1 ? "end" : "middle", class: "tick" });
      t.textContent = tl.items[i].date;
      box.append(t);
    }
  }
  function bucketEnd(date, bucket) {
    const d = new Date(`${date}T00:00:00Z`);
    if (bucket === "week") d.setUTCDate(d.getUTCDate() + 6);
    else if (bucket === "month") { d.setUTCMonth(d.getUTCMonth() + 1); d.setUTCDate(0); }
    else if (bucket === "year") { d.setUTCFullYear(d.getUTCFullYear() + 1); d.setUTCDate(0); }
    return d.toISOString().slice(0, 10);
  }

  // -- article view ------------------------------------------------------------------------------------------
  const LAYERS = [
    ["event", "event triggers"], ["actor", "actors"], ["place", "places"], ["time", "times"], ["quote", "quotes"], ["quantity", "counts"],
  ];

  function spansOf(rec) {
    // Every evidence span of the article, each with what it is evidence of.
    const spans = [];
    const add = (kind, start, end, data, label) => {
      if (Number.isInteger(start) && Number.isInteger(end) && end > start) spans.push({ kind, start, end, data, label });
    };
    const quotes = {};
    for (const q of rec.quotes || []) if (q.id) quotes[q.id] = q;
    for (const e of rec.events || []) {
      e._quote = e.quote_id && quotes[e.quote_id] ? { text: quotes[e.quote_id].text, speaker: quotes[e.quote_id].speaker && quotes[e.quote_id].speaker.name } : null;
      e.group = GROUP_OF[e.type];
      if (e.trigger) add("event", e.trigger.start, e.trigger.end, e, `${e.type} (${e.status})`);
    }
    for (const a of rec.actors || []) for (const m of a.mentions || []) add("actor", m.start, m.end, a, a.name);
    for (const p of rec.places || []) add("place", p.start, p.end, p, p.name || p.text);
    for (const t of rec.times || []) add("time", t.start, t.end, t, t.value || t.text);
    for (const q of rec.quotes || []) {
      add("quote", q.start, q.end, q, q.kind);
      if (q.speaker) add("speaker", q.speaker.start, q.speaker.end, q, q.speaker.name);
    }
    for (const n of rec.quantities || []) add("quantity", n.start, n.end, n, `${n.category} ${n.value ?? ""}`);
    return spans;
  }

  function renderHighlighted(container, text, spans) {
    // Split the text at every span boundary; each piece is a <span> carrying the classes of all spans
    // covering it. Offsets are code points: `chars` has one element per code point.
    clear(container);
    const chars = Array.from(text);
    const cuts = new Set([0, chars.length]);
    for (const s of spans) { cuts.add(Math.max(0, Math.min(chars.length, s.start))); cuts.add(Math.max(0, Math.min(chars.length, s.end))); }
    const points = [...cuts].sort((a, b) => a - b);
    const byStart = [...spans].sort((a, b) => a.start - b.start || b.end - a.end);
    const pieces = [];
    let active = [];
    let next = 0;
    for (let i = 0; i < points.length - 1; i++) {
      const a = points[i], b = points[i + 1];
      while (next < byStart.length && byStart[next].start <= a) active.push(byStart[next++]);
      active = active.filter((s) => s.end > a);
      const covering = active.filter((s) => s.start <= a && s.end >= b);
      const content = chars.slice(a, b).join("");
      if (!covering.length) { pieces.push(document.createTextNode(content)); continue; }
      const node = el("span", { class: "hl " + [...new Set(covering.map((s) => `hl-${s.kind}`))].join(" "), "data-start": a, "data-end": b });
      node.textContent = content;
      node._spans = covering;
      for (const s of covering) (s.nodes = s.nodes || []).push(node);
      pieces.push(node);
    }
    container.append(...pieces);
  }

  function spanTip(node, spans) {
    const order = { event: 0, quantity: 1, actor: 2, speaker: 3, place: 4, time: 5, quote: 6 };
    for (const s of [...spans].sort((a, b) => order[a.kind] - order[b.kind])) {
      const box = el("div", { class: `tip-block tip-${s.kind}` });
      const d = s.data;
      if (s.kind === "event") eventTip(box, d);
      else if (s.kind === "actor") box.append(el("div", { class: "tip-title", text: `actor: ${d.name}` }), el("div", { text: [d.country, Array.isArray(d.sector) ? d.sector.join("/") : d.sector, d.role, d.kind].filter(Boolean).join(" · ") || "—" }));
      else if (s.kind === "place") box.append(el("div", { class: "tip-title", text: `place: ${d.name || d.text}` }), el("div", { text: [d.country, d.admin1, d.precision, d.lat != null ? `${Number(d.lat).toFixed(2)}, ${Number(d.lon).toFixed(2)}` : null, d.geonameid ? `GeoNames ${d.geonameid}` : null].filter(Boolean).join(" · ") }));
      else if (s.kind === "time") box.append(el("div", { class: "tip-title", text: `time: ${d.type}` }), el("div", { text: `value ${d.value || "unresolved"}` }));
      else if (s.kind === "quote") box.append(el("div", { class: "tip-title", text: `${d.kind} quote` }), el("div", { text: d.speaker ? `speaker: ${d.speaker.name}` : "speaker unknown" }));
      else if (s.kind === "speaker") box.append(el("div", { class: "tip-title", text: `speaker: ${d.speaker.name}` }));
      else if (s.kind === "quantity") box.append(el("div", { class: "tip-title", text: `count: ${d.category}` }), el("div", { text: [d.value != null ? `value ${d.value}` : null, d.low != null ? `low ${d.low}` : null, d.high != null ? `high ${d.high}` : null, d.approximate ? "approximate" : null, d.unit].filter(Boolean).join(" · ") }));
      node.append(box);
    }
  }

  function flash(spanObj) {
    for (const n of document.querySelectorAll(".hl.focus")) n.classList.remove("focus");
    if (!spanObj || !spanObj.nodes) return;
    for (const n of spanObj.nodes) n.classList.add("focus");
    spanObj.nodes[0].scrollIntoView({ block: "center", behavior: "smooth" });
  }

  function requestArticle(id) { return api(`/api/articles/${encodeURIComponent(id)}`); }
  function showArticle(rec, eventId) {
    const a = rec.article;
    document.title = `${a.title || a.id} · sitrep`;
    $("#article-title").textContent = a.title || "(untitled article)";
    const meta = $("#article-meta");
    clear(meta);
    meta.append(el("span", { text: a.published ? `published ${a.published}` : "no publication date" }));
    if (a.url) {
      const href = safeHref(a.url);
      meta.append(href ? el("a", { href, rel: "noopener noreferrer nofollow", target: "_blank", text: a.url }) : el("span", { class: "url-text", text: a.url }));
    }
    meta.append(el("span", { class: "muted", text: `id ${a.id}` }));
    if (a.source) meta.append(el("span", { class: "muted", text: a.source }));
    if (rec.duplicate_of) meta.append(el("span", { class: "muted", text: `copy of ${rec.duplicate_of}` }));

    const spans = spansOf(rec);
    const textBox = $("#article-text");
    renderHighlighted(textBox, a.text || "", spans);
    textBox.onmouseover = (evt) => {
      const node = evt.target.closest && evt.target.closest(".hl");
      if (node && node._spans) showTip(evt, (n) => spanTip(n, node._spans.filter((s) => !textBox.classList.contains(`hide-${s.kind === "speaker" ? "actor" : s.kind}`))));
    };
    textBox.onmousemove = (evt) => { if (!tip().hidden) moveTip(evt); };
    textBox.onmouseout = (evt) => { if (!evt.relatedTarget || !evt.relatedTarget.closest || !evt.relatedTarget.closest(".hl")) hideTip(); };

    const toggles = $("#layer-toggles");
    clear(toggles);
    for (const [kind, label] of LAYERS) {
      const n = spans.filter((s) => s.kind === kind).length;
      const box = el("input", { type: "checkbox", checked: "checked", "data-layer": kind });
      box.addEventListener("change", () => textBox.classList.toggle(`hide-${kind}`, !box.checked));
      textBox.classList.remove(`hide-${kind}`);
      toggles.append(el("label", { class: `layer layer-${kind}` }, box, el("i"), `${label} (${n})`));
    }

    renderSide(rec, spans);
    const target = eventId && spans.find((s) => s.kind === "event" && s.data.id === eventId);
    if (target) {
      flash(target);
      for (const n of target.nodes || []) n.classList.add("selected-event");
      const item = document.querySelector(`#article-side [data-event-id="${CSS.escape(eventId)}"]`);
      if (item) item.classList.add("selected");
    } else window.scrollTo(0, 0);
  }

  function renderSide(rec, spans) {
    const side = $("#article-side");
    clear(side);
    const find = (kind, data) => spans.filter((s) => s.kind === kind && s.data === data);
    const section = (title, items, render) => {
      const list = el("ul", { class: "side-list" });
      for (const item of items) list.append(render(item));
      side.append(el("details", { open: "open", class: "side-section" }, el("summary", { text: `${title} (${items.length})` }), items.length ? list : el("p", { class: "muted", text: "none found" })));
    };
    section("Events", rec.events || [], (e) => {
      const li = el("li", { class: "side-item", "data-event-id": e.id, tabindex: 0 },
        el("div", {}, el("span", { class: `type-chip ${e.group || ""}`, text: e.type }), " ", el("span", { class: `status status-${e.status}`, text: e.status }), " ", el("span", { class: "muted", text: e.date ? e.date.value || "" : "" })),
        el("div", { class: "who" }, actorsText(e.sources), el("span", { class: "arrow", text: " → " }), actorsText(e.targets)),
        el("div", { class: "muted" }, `“${e.trigger ? e.trigger.text : ""}”`, e.place ? ` · ${e.place.name}` : ""));
      const s = find("event", e)[0];
      li.addEventListener("click", () => { flash(s); history.replaceState(null, "", `#/article/${encodeURIComponent(rec.article.id)}?event=${encodeURIComponent(e.id)}`); });
      li.addEventListener("mouseenter", (evt) => { showTip(evt, (n) => eventTip(n, e)); if (s) for (const nd of s.nodes || []) nd.classList.add("focus"); });
      li.addEventListener("mousemove", moveTip);
      li.addEventListener("mouseleave", () => { hideTip(); if (s) for (const nd of s.nodes || []) nd.classList.remove("focus"); });
      return li;
    });
    section("Actors", rec.actors || [], (a) => clickable(el("li", { class: "side-item" }, el("strong", { text: a.name }), " ", el("span", { class: "muted", text: [a.country, Array.isArray(a.sector) ? a.sector.join("/") : a.sector, a.role].filter(Boolean).join(" · ") }), el("span", { class: "count", text: `×${(a.mentions || []).length}` })), find("actor", a)));
    section("Places", rec.places || [], (p) => clickable(el("li", { class: "side-item" }, el("strong", { text: p.text }), " ", el("span", { class: "muted", text: [p.name !== p.text ? p.name : null, p.country, p.precision].filter(Boolean).join(" · ") })), find("place", p)));
    section("Times", rec.times || [], (t) => clickable(el("li", { class: "side-item" }, el("strong", { text: t.text }), " ", el("span", { class: "muted", text: `${t.type} ${t.value || "unresolved"}` })), find("time", t)));
    section("Quotes", rec.quotes || [], (q) => clickable(el("li", { class: "side-item" }, el("div", { class: "quote-text", text: `“${q.text}”` }), el("div", { class: "muted", text: `${q.speaker ? q.speaker.name : "unknown speaker"} · ${q.kind}` })), find("quote", q)));
    section("Counts", rec.quantities || [], (n) => clickable(el("li", { class: "side-item" }, el("strong", { text: n.value != null ? String(n.value) : `${n.low ?? "?"}–${n.high ?? "?"}` }), " ", el("span", { text: `${n.category} ${n.unit || ""}` }), " ", el("span", { class: "muted", text: `“${n.text}”` })), find("quantity", n)));
    if ((rec.story_events || []).length) {
      section("Story events", rec.story_events, (s) => el("li", { class: "side-item" }, el("a", { href: `#/stories/${encodeURIComponent(s.story_event_id)}`, text: s.story_event_id }), el("span", { class: "muted", text: ` (event ${s.event_id})` })));
    }
  }
  function clickable(li, spanList) {
    let i = 0;
    li.tabIndex = 0;
    li.addEventListener("click", () => { if (spanList.length) { flash(spanList[i % spanList.length]); i++; } });
    li.addEventListener("mouseenter", () => { for (const s of spanList) for (const n of s.nodes || []) n.classList.add("focus"); });
    li.addEventListener("mouseleave", () => { for (const s of spanList) for (const n of s.nodes || []) n.classList.remove("focus"); });
    return li;
  }

  // -- stories view ------------------------------------------------------------------------------------------
  // Stories are listed a page at a time and a story shows its first reports, with buttons for the rest: a
  // cold load then builds a few hundred elements, not the thousands that 200 stories and a 300-report story
  // made (the stories view was the slowest page to load).
  const STORY_PAGE = 50;
  const REPORTS_SHOWN = 24;
  function storyItem(s, storyId) {
    const href = `#/stories/${encodeURIComponent(s.id)}${filtersToHash()}`;
    return el("a", { class: `story-item${s.id === storyId ? " selected" : ""}`, href },
      el("span", { class: `type-chip ${GROUP_OF[s.type] || ""}`, text: s.type || "?" }), " ",
      el("span", { text: s.date || "undated" }), " ",
      el("span", { class: "muted", text: `${s.n_reports} report${s.n_reports === 1 ? "" : "s"} · ${s.n_articles} article${s.n_articles === 1 ? "" : "s"}` }),
      el("div", { class: "muted small", text: summaryLine(s) }));
  }
  function storyListParams() {
    const f = state.filters;
    return { type: f.type, date_from: f.date_from, date_to: f.date_to, bbox: f.bbox, country: f.country, limit: STORY_PAGE };
  }
  function requestStories(storyId) {
    // the list and, when the URL names one, the story itself, in parallel
    return Promise.all([api("/api/story-events", storyListParams()), storyId ? storyDetail(storyId) : null]);
  }
  async function showStories([list, story], storyId) {
    const params = storyListParams();
    // with no story in the URL, the first one is asked for before the list is drawn
    const first = !story && list.items.length ? storyDetail(list.items[0].id) : null;
    if (first) first.catch(() => {});
    const box = $("#stories");
    clear(box);
    $("#stories-count").textContent = `${list.total} story event${list.total === 1 ? "" : "s"}`;
    const detail = $("#story-detail");
    clear(detail);
    if (!list.items.length && !story) {
      box.append(el("p", { class: "empty", text: "No story events in this store yet. Story events appear once reports of the same event in different articles have been linked." }));
      detail.append(el("p", { class: "empty", text: "Nothing to compare." }));
      return;
    }
    const items = el("div", { class: "story-items" });
    for (const s of list.items) items.append(storyItem(s, storyId));
    box.append(items);
    let shown = list.items.length;
    if (list.next) {
      const more = el("button", { type: "button", class: "more", text: `more (${list.total - shown} left)` });
      more.addEventListener("click", async () => {
        more.disabled = true;
        try {
          const page = await api("/api/story-events", { ...params, offset: shown });
          for (const s of page.items) items.append(storyItem(s, storyId));
          shown += page.items.length;
          if (page.next) { more.textContent = `more (${list.total - shown} left)`; more.disabled = false; } else more.remove();
        } catch (err) { showError(err); more.disabled = false; }
      });
      box.append(more);
    }
    renderStory(story || await first);
  }
  const STORY_FIELDS = [["place_name", "place"], ["mode", "mode"], ["date_precision", "date precision"], ["source_countries", "sources"],
    ["target_countries", "targets"], ["corroboration", "independent sources"], ["statuses", "statuses"]];
  function fieldText(v) {
    if (v && typeof v === "object" && !Array.isArray(v)) return Object.entries(v).map(([k, n]) => `${k} ${n}`).join(", ");
    return Array.isArray(v) ? v.join(", ") : String(v);
  }
  function summaryLine(s) {
    return STORY_FIELDS.filter(([k]) => s[k] !== null && s[k] !== undefined && k !== "date_precision").map(([k, label]) => `${label}: ${fieldText(s[k])}`).join(" · ");
  }
  function storyDetail(id) { return api(`/api/story-events/${encodeURIComponent(id)}`); }
  function renderStory(s) {
    const detail = $("#story-detail");
    clear(detail);
    detail.append(el("div", { class: "panel-head" }, el("h2", { text: `${s.type || "event"} · ${s.date || "undated"}` }), el("span", { class: "hint", text: `${s.reports.length} report${s.reports.length === 1 ? "" : "s"}` })));
    const dl = el("dl", { class: "summary" });
    for (const [k, label] of STORY_FIELDS) if (s[k] !== null && s[k] !== undefined) dl.append(el("dt", { text: label }), el("dd", { text: fieldText(s[k]) }));
    if (dl.childNodes.length) detail.append(dl);
    const conflicted = new Map();
    const disputed = new Set();  // reports that take part in a disagreement
    if (s.disagreements.length) {
      const table = el("table", { class: "contradictions" }, el("thead", {}, el("tr", {}, el("th", { text: "Where reports disagree" }), el("th", { text: "Value" }), el("th", { text: "Reported by" }))));
      const tb = el("tbody");
      for (const c of s.disagreements) {
        c.values.forEach((v, i) => {
          tb.append(el("tr", {}, el("td", { text: i === 0 ? c.field : "" }), el("td", { class: "conflict-value", text: v.value }), el("td", { text: [...new Set(v.reports.map((r) => r.article_id))].join(", ") })));
          for (const r of v.reports) {
            conflicted.set(`${r.article_id}/${r.event_id}/${c.field}`, true);
            disputed.add(`${r.article_id}/${r.event_id}`);
          }
        });
      }
      table.append(tb);
      detail.append(table);
    } else detail.append(el("p", { class: "muted", text: "The reports agree on status, date, place and counts." }));
    const cols = el("div", { class: "reports" });
    // reports that take part in a disagreement come first, so the contradictions are side by side on top
    const ordered = [...s.reports.filter((r) => disputed.has(`${r.article_id}/${r.id}`)),
      ...s.reports.filter((r) => !disputed.has(`${r.article_id}/${r.id}`))];
    const card = (r) => {
      const bad = (field) => conflicted.has(`${r.article_id}/${r.id}/${field}`) ? "conflict" : "";
      const href = `#/article/${encodeURIComponent(r.article_id)}?event=${encodeURIComponent(r.id)}`;
      const box = el("div", { class: "report" },
        el("a", { class: "report-title", href, text: r.article.title || r.article_id }),
        el("div", { class: "muted", text: r.article.published || "" }),
        el("div", { class: bad("status") }, el("span", { class: `status status-${r.status}`, text: r.status })),
        el("div", { class: "who" }, actorsText(r.sources), el("span", { class: "arrow", text: " → " }), actorsText(r.targets)),
        el("div", { class: bad("date"), text: `when: ${r.date ? r.date.value || "" : "—"}` }),
        el("div", { class: bad("place"), text: `where: ${r.place ? r.place.name : "—"}` }),
        el("div", { class: "muted", text: `trigger “${r.trigger.text}”` }));
      for (const q of r.quantities || []) box.append(el("div", { class: bad(`count:${q.category}`), text: `${q.category}: ${q.value ?? `${q.low}–${q.high}`} (“${q.text}”)` }));
      if (r.quote && r.quote.text) box.append(el("blockquote", { text: `“${r.quote.text}”` }));
      return box;
    };
    for (const r of ordered.slice(0, REPORTS_SHOWN)) cols.append(card(r));
    detail.append(cols);
    if (ordered.length > REPORTS_SHOWN) {
      const all = el("button", { type: "button", class: "more", text: `show the other ${ordered.length - REPORTS_SHOWN} reports` });
      all.addEventListener("click", () => { for (const r of ordered.slice(REPORTS_SHOWN)) cols.append(card(r)); all.remove(); });
      detail.append(all);
    }
  }

  // -- start -----------------------------------------------------------------------------------------------
  // 12,345: by hand, because the first toLocaleString of a page loads the browser's locale data (40-90 ms of
  // main-thread time measured in headless Chromium, on every page load)
  function thousands(n) { return String(Math.round(Number(n) || 0)).replace(/\B(?=(\d{3})+(?!\d))/g, ","); }

  async function loadStats() {
    try {
      const s = await api("/api/stats");
      const box = $("#stats");
      clear(box);
      for (const [k, label] of [["articles", "articles"], ["events", "events"], ["story_events", "stories"], ["quotes", "quotes"], ["quantities", "counts"]]) {
        box.append(el("span", {}, el("strong", { text: thousands(s[k]) }), ` ${label}`));
      }
    } catch (err) { showError(err); }
  }

  function init() {
    const form = $("#filters");
    form.addEventListener("change", (evt) => {
      const t = evt.target;
      if (t.name && FILTER_KEYS.includes(t.name)) setFilter({ [t.name]: t.value });
    });
    form.addEventListener("submit", (evt) => evt.preventDefault());
    for (const name of ["actor", "q"]) {
      let timer = null;
      form.elements[name].addEventListener("input", (evt) => { clearTimeout(timer); timer = setTimeout(() => setFilter({ [name]: evt.target.value.trim() }), 400); });
    }
    $("#clear-filters").addEventListener("click", () => { state.filters = {}; state.view = { x: -180, y: -84, w: 360, h: 144 }; setFilter({}); });
    $("#prev-page").addEventListener("click", () => { go(`#/events${query({ ...state.filters, offset: Math.max(0, state.offset - PAGE) })}`); });
    $("#next-page").addEventListener("click", () => { go(`#/events${query({ ...state.filters, offset: state.offset + PAGE })}`); });
    $("#zoom-in").addEventListener("click", () => zoomAt(0.6));
    $("#zoom-out").addEventListener("click", () => zoomAt(1.6));
    $("#zoom-reset").addEventListener("click", () => { state.view = { x: -180, y: -84, w: 360, h: 144 }; applyView(); });
    $("#bbox-from-view").addEventListener("click", () => {
      const v = state.view;
      setFilter({ bbox: [v.x, -(v.y + v.h), v.x + v.w, -v.y].map((n) => Math.max(-180, Math.min(180, n)).toFixed(2)).join(",") });
    });
    window.addEventListener("hashchange", route);
    route();  // the view's requests first, then the small stats one
    loadStats();
  }
  document.addEventListener("DOMContentLoaded", init);
})();
