#include "page_assets.hpp"

namespace sluice::dashboard {

const char* const kPageCss = R"CSS(
:root{--ink:#0f172a;--muted:#64748b;--line:#e2e8f0;--bg:#f1f5f9;--card:#fff;--blue:#2563eb;--good:#15803d;--fair:#b45309;--poor:#b91c1c}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--ink);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;font-variant-numeric:tabular-nums}
header.top{background:#0f172a;color:#f8fafc;padding:22px 0 18px}
header.top h1{margin:0;font-size:26px;font-weight:650;letter-spacing:-.01em}
header.top .sub{color:#cbd5e1;margin-top:4px;font-size:14px}
.wrap{max-width:1200px;margin:0 auto;padding:0 24px}
nav.sections{position:sticky;top:0;z-index:5;background:rgba(255,255,255,.92);backdrop-filter:blur(6px);border-bottom:1px solid var(--line)}
nav.sections a{display:inline-block;padding:10px 12px;color:var(--muted);text-decoration:none;font-weight:550;font-size:14px}
nav.sections a:hover{color:var(--blue)}
section{padding:26px 0 6px;scroll-margin-top:44px}
h2{font-size:20px;margin:0 0 14px;letter-spacing:-.01em}
h3{font-size:15px;margin:0 0 10px}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px;box-shadow:0 1px 2px rgba(15,23,42,.05);padding:14px 16px;margin:0 0 16px}
figure{margin:0}
figcaption{font-weight:600;margin-bottom:6px}
svg.chart{display:block;width:100%;height:auto;overflow:visible}
svg.chart text{user-select:none}
.kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(220px,1fr));gap:14px;margin-bottom:16px}
.kpi{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:14px 16px;box-shadow:0 1px 2px rgba(15,23,42,.05)}
.kpi-label{color:var(--muted);font-size:13px;font-weight:550;text-transform:uppercase;letter-spacing:.04em}
.kpi-value{font-size:28px;font-weight:700;margin:2px 0;letter-spacing:-.02em}
.kpi-note{color:var(--muted);font-size:13px}
.up{color:var(--good);font-weight:600}.down{color:var(--poor);font-weight:600}
.kpi-note.up,.kpi-note.down{font-weight:600}
.hint{color:var(--muted);font-size:13px;margin:6px 0 0}
.lead{color:#334155;margin:-6px 0 14px}
.empty{color:var(--muted);font-style:italic}
.grid-2{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:0 16px}
.store-toolbar{display:flex;flex-wrap:wrap;align-items:center;gap:10px 14px;margin-bottom:12px}
.store-toolbar select{font:inherit;padding:6px 10px;border:1px solid #cbd5e1;border-radius:8px;background:#fff;min-width:260px}
.store-toolbar label{font-weight:600}
.legend-row{display:flex;gap:14px;color:var(--muted);font-size:13px;margin-left:auto}
.legend-row span{display:inline-flex;align-items:center;gap:6px}
.sw{display:inline-block;width:18px;height:3px;border-radius:2px}
.sw.area{height:10px;background:rgba(37,99,235,.3)}
.sw.dash{height:0;border-top:2px dashed #64748b}
.store-grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(340px,1fr));gap:16px}
.store-grid .card{margin:0}
.store-grid.single{grid-template-columns:1fr}
.store-grid+.table-card{margin-top:16px}
.store-head{display:flex;justify-content:space-between;align-items:flex-start;gap:8px}
.store-name{font-weight:650;margin-right:8px}
.store-city{color:var(--muted);font-weight:400;font-size:13px}
.store-stats{font-size:13px;color:#334155;margin-bottom:4px}
.badge{display:inline-block;white-space:nowrap;font-size:12px;font-weight:650;padding:1px 8px;border-radius:999px;background:#f1f5f9;color:#475569}
.badge.good{background:#dcfce7;color:var(--good)}.badge.fair{background:#fef3c7;color:var(--fair)}.badge.poor{background:#fee2e2;color:var(--poor)}
table.data{border-collapse:collapse;width:100%;font-size:14px}
table.data th,table.data td{padding:6px 10px;border-bottom:1px solid var(--line);text-align:left;vertical-align:middle}
table.data thead th{color:var(--muted);font-weight:600;font-size:12px;text-transform:uppercase;letter-spacing:.04em;background:#f8fafc}
table.data tbody th{font-weight:600}
table.data .num{text-align:right}
table.data td.best{font-weight:700}
table.data tr.pick{cursor:pointer}
table.data tr.pick:hover,table.data tr.pick:focus{background:#eff6ff;outline:none}
.scroll{overflow-x:auto}
.verdict{padding:10px 14px;border-radius:10px;font-weight:600;margin:0 0 16px;background:#f1f5f9}
.verdict.good{background:#dcfce7;color:#14532d}.verdict.poor{background:#fee2e2;color:#7f1d1d}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:4px 18px;margin:0 0 16px}
dl.facts dt{color:var(--muted)}dl.facts dd{margin:0;font-weight:550}
.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:13px}
.status{font-size:12px;font-weight:650;padding:1px 8px;border-radius:999px;background:#f1f5f9;color:#475569}
.status.ran{background:#dbeafe;color:#1e40af}.status.cached{background:#dcfce7;color:var(--good)}.status.failed{background:#fee2e2;color:var(--poor)}
td.bar-cell{width:22%}
.bar{display:block;height:8px;border-radius:4px;background:#93c5fd}
footer{color:var(--muted);font-size:13px;padding:18px 0 30px}
.tip{position:fixed;z-index:10;pointer-events:none;background:#0f172a;color:#f8fafc;font-size:13px;line-height:1.45;padding:7px 10px;border-radius:8px;box-shadow:0 6px 18px rgba(15,23,42,.25);max-width:320px;display:none;font-variant-numeric:tabular-nums}
.tip div:first-child{font-weight:650;color:#bfdbfe}
@media (max-width:700px){.grid-2{grid-template-columns:1fr}.legend-row{margin-left:0}}
@media print{
  @page{margin:12mm}
  body{background:#fff;font-size:11pt}
  nav.sections,.tip,.store-toolbar select,.store-toolbar label,.store-toolbar .hint{display:none!important}
  header.top{background:#fff;color:#000;padding:0 0 8px;border-bottom:2px solid #000}
  header.top .sub{color:#333}
  .wrap{max-width:none;padding:0}
  .card,.kpi{box-shadow:none;border-color:#cbd5e1;break-inside:avoid}
  section{break-before:auto;padding-top:14px}
  #components,#accuracy{break-before:page}
  .kpis{grid-template-columns:repeat(4,1fr);gap:8px}
  .kpi-value{font-size:18pt}
  .grid-2{grid-template-columns:1fr 1fr;gap:0 10px}
  .store-grid{grid-template-columns:repeat(2,1fr)}
  .scroll{overflow:visible}
  *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
}
)CSS";

const char* const kPageScript = R"JS(
(function () {
  'use strict';
  var root = document.documentElement;
  window.addEventListener('error', function (e) {
    root.setAttribute('data-js-error', String(e.message || e));
  });
  // Tooltips: each hover column's <title> becomes the text of a styled tooltip.
  var tip = document.createElement('div');
  tip.className = 'tip';
  tip.setAttribute('aria-hidden', 'true');
  document.body.appendChild(tip);
  var columns = document.querySelectorAll('svg.chart .hv');
  for (var i = 0; i < columns.length; i++) {
    var title = columns[i].querySelector('title');
    if (title) {
      columns[i].setAttribute('data-tip', title.textContent);
      title.parentNode.removeChild(title);
    }
  }
  var activeGuide = null;
  function hide() {
    tip.style.display = 'none';
    if (activeGuide) activeGuide.setAttribute('visibility', 'hidden');
    activeGuide = null;
  }
  function show(col, x, y) {
    var lines = (col.getAttribute('data-tip') || '').split('\n');
    tip.textContent = '';
    for (var k = 0; k < lines.length; k++) {
      var row = document.createElement('div');
      row.textContent = lines[k];
      tip.appendChild(row);
    }
    tip.style.display = 'block';
    var w = tip.offsetWidth, h = tip.offsetHeight;
    var left = x + 16 + w > window.innerWidth ? x - 16 - w : x + 16;
    var top = Math.min(Math.max(8, y - h / 2), window.innerHeight - h - 8);
    tip.style.left = left + 'px';
    tip.style.top = top + 'px';
    var svg = col.ownerSVGElement;
    var guide = svg && svg.querySelector('.guide');
    if (activeGuide && activeGuide !== guide) activeGuide.setAttribute('visibility', 'hidden');
    if (guide) {
      guide.setAttribute('x1', col.getAttribute('data-gx'));
      guide.setAttribute('x2', col.getAttribute('data-gx'));
      guide.setAttribute('visibility', 'visible');
    }
    activeGuide = guide;
  }
  document.addEventListener('mousemove', function (e) {
    var col = e.target && e.target.closest ? e.target.closest('.hv') : null;
    if (col) show(col, e.clientX, e.clientY); else hide();
  });
  document.addEventListener('scroll', hide, true);

  // Store selector: shows one store card at a time when there are many stores.
  var select = document.getElementById('store-select');
  if (select) {
    var pick = function (index) {
      var cards = document.querySelectorAll('#store-grid .store-card');
      for (var c = 0; c < cards.length; c++) cards[c].hidden = cards[c].id !== 'store-' + index;
      select.value = String(index);
    };
    select.addEventListener('change', function () { pick(select.value); });
    var rows = document.querySelectorAll('#store-table tr.pick');
    for (var r = 0; r < rows.length; r++) {
      (function (row) {
        var choose = function () {
          pick(row.getAttribute('data-store-index'));
          document.getElementById('stores').scrollIntoView({behavior: 'smooth'});
        };
        row.addEventListener('click', choose);
        row.addEventListener('keydown', function (e) { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); choose(); } });
      })(rows[r]);
    }
  }
  root.setAttribute('data-js', 'ready');
})();
)JS";

}  // namespace sluice::dashboard
