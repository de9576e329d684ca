// reports/dashboard.html: one column of sections, each a grid of cards (two across on a wide screen).
// Text inlined into the page's <style> (see client.ts for why a module and not a file).
export const DASHBOARD_STYLE = String.raw`:root { --ink: #0f172a; --muted: #64748b; --line: #e2e8f0; --bg: #f8fafc; --card: #fff; --blue: #2563eb; --red: #dc2626; --amber: #d97706; --green: #15803d; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1280px; margin: 0 auto; padding: 20px 24px 40px; }
header h1 { margin: 0; font-size: 22px; }
.title-row { display: flex; align-items: center; gap: 12px; }
.meta { margin: 4px 0 8px; color: var(--muted); }
nav { display: flex; flex-wrap: wrap; gap: 14px; margin-bottom: 14px; }
nav a { color: var(--blue); text-decoration: none; font-weight: 500; }
nav a:hover { text-decoration: underline; }
.status-pill { display: inline-block; padding: 2px 10px; border-radius: 999px; font-weight: 700; font-size: 12px; letter-spacing: .04em; background: #dcfce7; color: var(--green); }
.status-pill.status-warning { background: #fef3c7; color: #92400e; }
.status-pill.status-failed { background: #fee2e2; color: #991b1b; }
.banner { padding: 12px 16px; border-radius: 8px; margin: 0 0 16px; font-weight: 600; border: 1px solid; }
.banner-warning { background: #fffbeb; border-color: #f59e0b; color: #92400e; }
.banner-failed { background: #fef2f2; border-color: #ef4444; color: #991b1b; }
.tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: 10px; margin-bottom: 8px; }
.tile, .mini-tile { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; }
.tile-label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .03em; }
.tile-value { font-size: 20px; font-weight: 650; font-variant-numeric: tabular-nums; }
.tile-value.na, .na { color: var(--muted); font-style: italic; font-weight: 400; }
.tile-value.na { font-size: 12px; }
.section { margin-top: 26px; }
.section h2 { font-size: 18px; margin: 0 0 2px; border-bottom: 2px solid var(--line); padding-bottom: 4px; }
.lead { color: var(--muted); margin: 4px 0 10px; }
.grid { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 14px; align-items: start; }
@media (max-width: 900px) { .grid { grid-template-columns: minmax(0, 1fr); } }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 12px 14px; min-width: 0; }
.card.wide { grid-column: 1 / -1; }
.card h3 { font-size: 14px; margin: 0 0 6px; }
.card h4 { font-size: 13px; margin: 10px 0 4px; color: var(--muted); }
.note { color: var(--muted); margin: 2px 0 6px; font-size: 13px; }
.none { color: var(--muted); margin: 6px 0; }
.legend { display: flex; flex-wrap: wrap; gap: 14px; font-size: 12px; color: #334155; margin: 2px 0 4px; }
.swatch-item { display: inline-flex; align-items: center; gap: 5px; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px; border: 1px solid; }
.swatch.line { height: 3px; width: 16px; border-radius: 0; border-width: 0; }
.swatch.dash { height: 0; width: 16px; border-width: 2px 0 0; border-style: dashed; background: transparent !important; border-radius: 0; }
.swatch.dot { border-radius: 50%; width: 9px; height: 9px; }
.chart { width: 100%; overflow-x: auto; }
.chart svg { display: block; max-width: 100%; height: auto; }
.tabs { display: flex; gap: 4px; margin-bottom: 6px; }
.tab { font: inherit; font-size: 12px; padding: 3px 10px; border: 1px solid var(--line); background: #fff; border-radius: 6px; cursor: pointer; }
.tab.active { background: var(--blue); border-color: var(--blue); color: #fff; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 12.5px; margin-top: 6px; }
th, td { padding: 4px 8px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
th { color: var(--muted); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.badge { display: inline-block; padding: 0 7px; border-radius: 999px; font-size: 11px; font-weight: 700; }
.badge-failed, .badge-error { background: #fee2e2; color: #991b1b; }
.badge-warning { background: #fef3c7; color: #92400e; }
.mini-tiles { display: grid; grid-template-columns: repeat(5, 1fr); gap: 6px; margin-top: 6px; }
.mini-tile { padding: 6px 8px; text-align: center; }
.mini-value { font-size: 18px; font-weight: 650; }
.mt-failed .mini-value, .mt-error .mini-value { color: var(--red); }
.mt-warning .mini-value { color: var(--amber); }
.mt-passed .mini-value { color: var(--green); }
.status-line { margin: 0; }
.notes ul { margin: 6px 0; padding-left: 20px; color: #334155; }
footer { margin-top: 30px; color: var(--muted); font-size: 12px; }
`;
