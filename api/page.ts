/**
 * The search page served at `/`: one self-contained HTML document (no build step, no
 * assets from elsewhere) that calls this app's own API. Search box and filters;
 * results as a grid of product photos with score, Modal Adaptation weights, matched
 * keywords and lexical match, so a person can see why a product ranked; a product
 * view; a live panel of the index that refreshes itself. The URL keeps the search
 * (`/?q=red+dress&filter=colour:red`), so a result page can be linked.
 * @module
 */

const STYLE = `
:root{--ink:#1d2330;--mute:#667085;--line:#e4e7ec;--bg:#f6f7f9;--card:#fff;
--title:#3b6fd8;--image:#e2892b;--accent:#c0263a}
*{box-sizing:border-box}
body{margin:0;font:15px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:var(--bg)}
header{background:var(--card);border-bottom:1px solid var(--line);padding:12px 16px;position:sticky;top:0;z-index:2}
h1{font-size:17px;margin:0 0 8px}h1 small{color:var(--mute);font-weight:400}
form{display:flex;flex-wrap:wrap;gap:8px;align-items:center}
input,select,button{font:inherit;padding:7px 10px;border:1px solid var(--line);border-radius:8px;background:#fff}
#q{flex:1 1 260px;min-width:0}
button{background:var(--ink);color:#fff;border-color:var(--ink);cursor:pointer}
#filters{display:flex;flex-wrap:wrap;gap:6px;margin-top:8px}
.chip{display:inline-flex;gap:4px;align-items:center;padding:2px 8px;border-radius:999px;background:#eef2ff;font-size:13px}
.chip button{background:none;border:0;color:var(--mute);padding:0 2px;cursor:pointer}
button.chip{color:var(--ink);border:0;cursor:pointer}
main{display:grid;grid-template-columns:1fr 260px;gap:16px;padding:16px;max-width:1400px;margin:0 auto}
@media (max-width:800px){main{grid-template-columns:1fr}#live{order:-1}}
#status{color:var(--mute);margin:0 0 10px;min-height:1.4em}
#status.notice{color:var(--accent)}
#grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:12px}
.hit{background:var(--card);border:1px solid var(--line);border-radius:10px;overflow:hidden;cursor:pointer;display:flex;flex-direction:column}
.hit:hover{box-shadow:0 2px 10px #0001}
.photo{aspect-ratio:1;background:#fff;display:flex;align-items:center;justify-content:center;border-bottom:1px solid var(--line)}
.photo img{width:100%;height:100%;object-fit:contain}
.photo .none{color:var(--mute);font-size:12px}
.body{padding:8px 10px;display:flex;flex-direction:column;gap:5px;font-size:13px}
.t{font-weight:600;display:-webkit-box;-webkit-line-clamp:2;-webkit-box-orient:vertical;overflow:hidden}
.row{display:flex;justify-content:space-between;color:var(--mute)}
.score{color:var(--ink);font-weight:600}
.bar{display:flex;height:8px;border-radius:4px;overflow:hidden;background:var(--line)}
.bar .tw{background:var(--title)}.bar .iw{background:var(--image)}
.legend{display:flex;justify-content:space-between;font-size:11px;color:var(--mute)}
.legend .a{color:var(--title)}.legend .b{color:var(--image)}
.kw{display:flex;flex-wrap:wrap;gap:4px}.kw span{background:#fef3f2;color:var(--accent);border-radius:4px;padding:0 5px;font-size:12px}
aside{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:12px;align-self:start;position:sticky;top:120px}
aside h2{font-size:14px;margin:0 0 8px}
dl{display:grid;grid-template-columns:auto 1fr;gap:4px 10px;margin:0;font-size:13px}
dt{color:var(--mute)}dd{margin:0;text-align:right;font-variant-numeric:tabular-nums}
.dot{display:inline-block;width:8px;height:8px;border-radius:50%;background:#12b76a;margin-right:6px}
.dot.off{background:var(--accent)}
dialog{border:0;border-radius:12px;padding:0;max-width:min(640px,94vw);width:100%}
dialog::backdrop{background:#0006}
.view{display:grid;grid-template-columns:200px 1fr;gap:14px;padding:16px}
@media (max-width:560px){.view{grid-template-columns:1fr}}
.view img{width:100%;border-radius:8px;border:1px solid var(--line)}
.view h3{margin:0 0 6px;font-size:16px}
.view table{font-size:13px;border-collapse:collapse;width:100%}
.view td{padding:2px 6px;border-bottom:1px solid var(--line);vertical-align:top}
.view td:first-child{color:var(--mute);white-space:nowrap}
.close{position:absolute;right:10px;top:8px;background:none;color:var(--ink);border:0;font-size:20px}
footer{color:var(--mute);font-size:12px;text-align:center;padding:16px}
footer a{color:inherit}
`;

const SCRIPT = `
const $ = (s) => document.querySelector(s);
const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({"&":"&amp;","<":"&lt;",">":"&gt;",'"':"&quot;","'":"&#39;"}[c]));
const pct = (x) => Math.round(x * 100);
let filters = [];

function readUrl() {
  const p = new URLSearchParams(location.search);
  $("#q").value = p.get("q") ?? "";
  if (p.get("k")) $("#k").value = p.get("k");
  filters = p.getAll("filter");
}
function writeUrl() {
  const p = new URLSearchParams();
  const q = $("#q").value.trim();
  if (q) p.set("q", q);
  if ($("#k").value !== "20") p.set("k", $("#k").value);
  for (const f of filters) p.append("filter", f);
  history.replaceState(null, "", p.size ? "?" + p : location.pathname);
}
function drawFilters() {
  $("#filters").innerHTML = filters.map((f, i) =>
    '<span class="chip">' + esc(f) + ' <button type="button" data-i="' + i + '" aria-label="remove filter">×</button></span>').join("");
}
$("#filters").addEventListener("click", (e) => {
  const i = e.target.dataset?.i;
  if (i === undefined) return;
  filters.splice(Number(i), 1);
  drawFilters();
  search();
});
$("#addFilter").addEventListener("keydown", (e) => {
  if (e.key !== "Enter") return;
  e.preventDefault();
  const v = e.target.value.trim();
  if (!/^[^:]+:.+$/.test(v)) { status("A filter looks like attr:value, e.g. colour:red", true); return; }
  filters.push(v); e.target.value = ""; drawFilters(); search();
});
$("#form").addEventListener("submit", (e) => { e.preventDefault(); search(); });

function status(text, notice = false) {
  const el = $("#status");
  el.textContent = text;
  el.className = notice ? "notice" : "";
}

function card(h) {
  const photo = h.image
    ? '<img loading="lazy" src="' + esc(h.image) + '" alt="' + esc(h.title) + '">'
    : '<span class="none">no image</span>';
  const kws = h.keywords.map((k) => '<span>' + esc(k) + '</span>').join("");
  return '<article class="hit" data-id="' + esc(h.id) + '" tabindex="0">' +
    '<div class="photo">' + photo + '</div><div class="body">' +
    '<div class="t" title="' + esc(h.title) + '">' + esc(h.title) + '</div>' +
    '<div class="row"><span>score</span><span class="score">' + h.score.toFixed(3) + '</span></div>' +
    '<div class="bar" title="Modal Adaptation weights of this product"><div class="tw" style="width:' + pct(h.weights.title) + '%"></div><div class="iw" style="width:' + pct(h.weights.image) + '%"></div></div>' +
    '<div class="legend"><span class="a">title ' + pct(h.weights.title) + '%</span><span class="b">image ' + pct(h.weights.image) + '%</span></div>' +
    '<div class="row"><span>lexical match</span><span>' + h.lexical.toFixed(2) + '</span></div>' +
    (kws ? '<div class="kw" title="query keywords found in the product">' + kws + '</div>' : '') +
    '</div></article>';
}

let lastHits = [];
async function search() {
  writeUrl();
  const q = $("#q").value.trim();
  if (!q) { $("#grid").innerHTML = ""; status("Type a query, e.g. red dress"); return; }
  const p = new URLSearchParams({ q, k: $("#k").value });
  for (const f of filters) p.append("filter", f);
  status("Searching…");
  let res, body;
  try {
    res = await fetch("/search?" + p);
    body = await res.json();
  } catch (err) { status("Search failed: " + err, true); return; }
  if (!res.ok) { status(body.error?.message ?? ("HTTP " + res.status), true); $("#grid").innerHTML = ""; return; }
  lastHits = body.hits;
  $("#grid").innerHTML = body.hits.map(card).join("");
  if (body.notice) status(body.notice.message, true);
  else status(body.hits.length + " hits in " + body.took_ms.toFixed(1) + " ms from " + body.index.size + " products (index " + body.index.version + ")");
  document.body.dataset.searched = String(Date.now());
}

$("#grid").addEventListener("click", (e) => openProduct(e.target.closest(".hit")?.dataset.id));
$("#grid").addEventListener("keydown", (e) => { if (e.key === "Enter") openProduct(e.target.closest(".hit")?.dataset.id); });

async function openProduct(id) {
  if (!id) return;
  const res = await fetch("/products/" + encodeURIComponent(id));
  const p = await res.json();
  if (!res.ok) { status(p.error?.message ?? "Cannot open product", true); return; }
  const hit = lastHits.find((h) => h.id === id);
  const rows = [
    ["id", p.id], ["version", p.version],
    ["weights", "title " + pct(p.weights.title) + "% · image " + pct(p.weights.image) + "%"],
    ...(hit ? [["score", hit.score.toFixed(4)], ["keywords", hit.keywords.join(", ") || "—"], ["lexical match", hit.lexical.toFixed(3)]] : []),
    ...Object.entries(p.attrs).map(([k, v]) => [k, { filter: k + ":" + v, text: v }]),
    ...(p.imageSkipped ? [["image skipped", p.imageSkipped]] : []),
    ["event time", new Date(p.eventTimeMs).toISOString()],
    ["indexed", new Date(p.indexedAtMs).toISOString()],
  ];
  $("#view").innerHTML = '<button class="close" aria-label="close">×</button><div class="view"><div>' +
    (p.image ? '<img src="' + esc(p.image) + '" alt="">' : '<div class="photo"><span class="none">no image</span></div>') +
    '</div><div><h3>' + esc(p.title) + '</h3><table>' +
    rows.map(([k, v]) => '<tr><td>' + esc(k) + '</td><td>' + (v?.filter
      ? '<button type="button" class="chip" data-filter="' + esc(v.filter) + '" title="filter by ' + esc(v.filter) + '">' + esc(v.text) + '</button>'
      : esc(v)) + '</td></tr>').join("") +
    '</table></div></div>';
  $("#view").showModal();
}
$("#view").addEventListener("click", (e) => {
  const f = e.target.dataset?.filter;
  if (f) { if (!filters.includes(f)) filters.push(f); drawFilters(); $("#view").close(); search(); return; }
  if (e.target.matches(".close") || e.target === $("#view")) $("#view").close();
});

let prev = null;
async function live() {
  try {
    const [stats, ready] = await Promise.all([
      fetch("/stats").then((r) => r.json()),
      fetch("/readyz").then((r) => r.ok),
    ]);
    const now = performance.now();
    const consumed = stats.consumed ?? 0;
    const rate = prev ? (consumed - prev.consumed) / ((now - prev.at) / 1000) : null;
    prev = { consumed, at: now };
    const age = stats.lastEventAgeMs;
    const lat = stats.search ?? {};
    const set = (id, v) => { $(id).textContent = v ?? "—"; };
    $("#ready").className = "dot" + (ready ? "" : " off");
    set("#readyText", ready ? "ready" : "not ready");
    set("#size", stats.indexed?.toLocaleString());
    set("#rate", rate === null ? "…" : rate.toFixed(1));
    set("#lag", stats.consumer?.lag);
    set("#age", age == null ? "—" : age < 1000 ? age + " ms" : (age / 1000).toFixed(0) + " s");
    set("#device", stats.encoder?.device);
    set("#model", stats.model?.version);
    set("#p50", lat.p50_ms == null ? "—" : lat.p50_ms.toFixed(1) + " ms");
    set("#p99", lat.p99_ms == null ? "—" : lat.p99_ms.toFixed(1) + " ms");
  } catch { $("#ready").className = "dot off"; $("#readyText").textContent = "unreachable"; }
}

readUrl(); drawFilters(); search(); live(); setInterval(live, 2000);
`;

/** The page's HTML. */
export const SEARCH_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>make-indexer search</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>make-indexer <small>multimodal product search (MAKE)</small></h1>
<form id="form" role="search">
<input id="q" name="q" type="search" placeholder="Search products, e.g. red dress" autocomplete="off" aria-label="query">
<input id="addFilter" placeholder="filter attr:value, Enter" aria-label="add filter" size="20">
<select id="k" aria-label="hits"><option>10</option><option selected>20</option><option>50</option><option>100</option></select>
<button type="submit">Search</button>
</form>
<div id="filters"></div>
</header>
<main>
<section>
<p id="status"></p>
<div id="grid"></div>
</section>
<aside id="live" aria-live="polite">
<h2><span id="ready" class="dot off"></span><span id="readyText">index</span></h2>
<dl>
<dt>products</dt><dd id="size">—</dd>
<dt>events/s</dt><dd id="rate">—</dd>
<dt>consumer lag</dt><dd id="lag">—</dd>
<dt>last event</dt><dd id="age">—</dd>
<dt>encoder</dt><dd id="device">—</dd>
<dt>model</dt><dd id="model">—</dd>
<dt>search p50</dt><dd id="p50">—</dd>
<dt>search p99</dt><dd id="p99">—</dd>
</dl>
</aside>
</main>
<dialog id="view"></dialog>
<footer>Open a product and click an attribute to filter by it. Score = cosine of the fused MAKE vector + keyword boost + weighted BM25 match. Bars: how much each product's title (blue) and image (orange) count, from Modal Adaptation. <a href="/docs">API</a> · <a href="/openapi.json">openapi.json</a></footer>
<script type="module">${SCRIPT}</script>
</body>
</html>
`;
