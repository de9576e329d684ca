// The dashboard's client: reads the inlined data (#etl-data) and builds the page with d3 + Observable Plot.
// Written defensively: the KPI model changes under it, so every section renders what is present and says
// "not available (<why>)" for a KPI that is null, absent or marked not_available; one failing chart never
// takes the page down. Text goes in through textContent only (never innerHTML).
//
// Kept as text (String.raw: backslashes stay as written; the code holds no backtick and no "${"), so that
// the compiled package carries it in dist/ like any module. It is ES2017 browser JavaScript, not
// TypeScript: nothing here is type-checked; tests/e2e/dashboard.test.ts runs it in a real browser and
// tests/unit/report/dashboard-html.test.ts parses it.
export const DASHBOARD_CLIENT = String.raw`(function () {
  'use strict';
  var startMs = performance.now();
  var errors = [];
  var charts = [];
  var D = JSON.parse(document.getElementById('etl-data').textContent);
  var K = D.kpis && typeof D.kpis === 'object' ? D.kpis : null;
  var Q = D.quality && typeof D.quality === 'object' ? D.quality : {};
  var app = document.getElementById('app');
  var Plot = window.Plot;

  var COLORS = { main: '#2563eb', light: '#93c5fd', margin: '#0f766e', forecast: '#d97706', alert: '#dc2626', muted: '#94a3b8', warn: '#f59e0b' };

  // ---------- small helpers ----------
  function h(tag, attrs) {
    var e = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        var v = attrs[k];
        if (v === undefined || v === null || v === false) return;
        if (k === 'class') e.className = v;
        else if (k === 'text') e.textContent = String(v);
        else if (k === 'onclick') e.addEventListener('click', v);
        else e.setAttribute(k, String(v));
      });
    }
    for (var i = 2; i < arguments.length; i++) append(e, arguments[i]);
    return e;
  }
  function append(e, c) {
    if (c === undefined || c === null || c === false) return;
    if (Array.isArray(c)) c.forEach(function (x) { append(e, x); });
    else if (typeof c === 'string' || typeof c === 'number') e.append(String(c));
    else e.append(c);
  }
  function isObj(v) { return v !== null && typeof v === 'object' && !Array.isArray(v); }
  function arr(v) { return Array.isArray(v) ? v.filter(isObj) : []; }
  function num(v) { return typeof v === 'number' && isFinite(v) ? v : null; }
  function get(obj, path) {
    return path.split('.').reduce(function (o, k) { return isObj(o) ? o[k] : undefined; }, obj);
  }
  var nf2 = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  var nf0 = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
  var nfAny = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
  function money(v) { return num(v) === null ? '—' : nf2.format(v); }
  function int(v) { return num(v) === null ? '—' : nf0.format(v); }
  function plain(v) { return num(v) === null ? (v === null || v === undefined ? '—' : String(v)) : nfAny.format(v); }
  function pct(r) { return num(r) === null ? '—' : (r * 100).toFixed(1) + ' %'; }
  function day(s) {
    if (typeof s !== 'string' || s.length < 10) return null;
    var d = new Date(s.length === 10 ? s + 'T00:00:00Z' : s);
    return isNaN(d.getTime()) ? null : d;
  }
  var DAY_MS = 86400000;
  function short(s, n) { s = String(s === null || s === undefined ? '' : s); return s.length > n ? s.slice(0, n - 1) + '…' : s; }

  /** Why a KPI cannot be shown, or null when it can. */
  function reasonOf(value, key, fallback) {
    if (K === null) return D.kpis_note || 'no kpis.json';
    var top = K.not_available;
    if (isObj(top) && key && typeof top[key] === 'string') return top[key];
    if (value === undefined || value === null) return fallback;
    if (isObj(value) && typeof value.not_available === 'string') return value.not_available;
    return null;
  }
  function na(reason) { return h('p', { class: 'na' }, 'not available (' + reason + ')'); }
  function none(text) { return h('p', { class: 'none' }, text); }

  function section(id, title, lead) {
    var s = h('section', { id: id, class: 'section' }, h('h2', null, title), lead ? h('p', { class: 'lead' }, lead) : null);
    var grid = h('div', { class: 'grid' });
    s.append(grid);
    app.append(s);
    return grid;
  }
  // Chart widths come from the page width, read once: reading each card's width would lay the page out
  // again for every chart (the grid: two cards across, one below 900 px; cards have 14 px padding + border).
  var pageWidth = 0;
  function cardWidth(wide) {
    if (!pageWidth) pageWidth = app.clientWidth - 48 || 1232;
    var twoAcross = window.innerWidth > 900;
    return Math.floor((wide || !twoAcross ? pageWidth : (pageWidth - 14) / 2) - 30);
  }
  function card(parent, title, opts) {
    opts = opts || {};
    var c = h('div', { class: 'card' + (opts.wide ? ' wide' : ''), 'data-card': opts.id || null }, h('h3', null, title));
    c.dataset.width = String(cardWidth(opts.wide));
    parent.append(c);
    return c;
  }
  /** Runs one part of the page; a bug there is reported in place (and on the console), never fatal. */
  function guard(parent, name, fn) {
    try { fn(); } catch (e) {
      errors.push(name + ': ' + (e && e.message));
      console.error('dashboard: ' + name + ' failed', e);
      parent.append(h('p', { class: 'na' }, name + ' could not be drawn: ' + (e && e.message)));
    }
  }
  function chart(parent, name, build) {
    var fig = h('div', { class: 'chart', 'data-chart': name });
    parent.append(fig);
    guard(fig, 'chart ' + name, function () {
      var holder = parent.closest('.card');
      var width = Math.max(300, Number(holder && holder.dataset.width) || 600);
      var node = build(width);
      if (node) { fig.append(node); charts.push(name); }
    });
    return fig;
  }
  function legend(items) {
    return h('div', { class: 'legend' }, items.map(function (it) {
      return h('span', { class: 'swatch-item' }, h('span', { class: 'swatch ' + (it.kind || 'box'), style: 'background:' + it.color + ';border-color:' + it.color }), it.label);
    }));
  }
  function table(columns, rows, attrs) {
    var t = h('table', attrs || null);
    t.append(h('thead', null, h('tr', null, columns.map(function (c) { return h('th', { class: c.num ? 'num' : null }, c.title); }))));
    var body = h('tbody');
    rows.forEach(function (r) {
      body.append(h('tr', null, columns.map(function (c) {
        var v = c.value(r);
        return h('td', { class: c.num ? 'num' : null, 'data-col': c.key || null }, v instanceof Node ? v : String(v));
      })));
    });
    t.append(body);
    return h('div', { class: 'table-wrap' }, t);
  }
  function labelMargin(labels, min, max) {
    var longest = labels.reduce(function (m, l) { return Math.max(m, String(l).length); }, 0);
    return Math.min(max || 220, Math.max(min || 60, Math.round(longest * 6.4) + 12));
  }
  function productLabel(r) {
    var name = r.product_name || r.name;
    return name ? short(name, 28) + ' (' + r.product_id + ')' : String(r.product_id);
  }
  /** A horizontal bar chart of labelled values, in the given order. */
  function barsX(rows, opts, width) {
    var labels = rows.map(opts.label);
    var data = rows.map(function (r, i) { return { label: labels[i], value: num(opts.value(r)), row: r }; }).filter(function (d) { return d.value !== null; });
    if (data.length === 0) return none('no values to chart');
    var fmt = opts.format || plain;
    var widest = data.reduce(function (m, d) { return Math.max(m, fmt(d.value).length); }, 0);
    return Plot.plot({
      width: width,
      height: Math.max(80, data.length * (opts.band || 22) + 40),
      marginLeft: labelMargin(labels),
      marginRight: Math.max(40, widest * 6.6 + 12),
      x: { label: opts.xLabel || null, grid: true, tickFormat: opts.tickFormat, percent: !!opts.percent },
      y: { label: null, domain: data.map(function (d) { return d.label; }) },
      marks: [
        Plot.barX(data, { x: 'value', y: 'label', fill: opts.fill ? function (d) { return opts.fill(d.row); } : (opts.color || COLORS.main), title: function (d) { return d.label + ': ' + (opts.format || plain)(d.value); } }),
        Plot.text(data, { x: 'value', y: 'label', text: function (d) { return (opts.format || plain)(d.value); }, textAnchor: 'start', dx: 4, fill: '#334155' }),
        Plot.ruleX([0]),
      ],
    });
  }

  // ---------- header and status ----------
  var status = String(Q.status || 'UNKNOWN');
  var checks = arr(Q.checks);
  var gateFailed = checks.filter(function (c) { return c.kind === 'dataset' && c.severity === 'error' && (c.status === 'failed' || c.status === 'error'); });

  function renderHeader() {
    var meta = 'as of ' + (Q.as_of || '—') + ' · run ' + (Q.run_id || '—') + (Q.strict ? ' · --strict' : '');
    if (K && isObj(K.period)) meta += ' · orders ' + (K.period.first_order_date || '—') + ' → ' + (K.period.last_order_date || '—');
    var nav = h('nav', null, [['sales', 'Sales'], ['products', 'Products'], ['customers', 'Customers'], ['stock', 'Stock'], ['operations', 'Returns & alerts'], ['quality', 'Quality']].map(function (p) {
      return h('a', { href: '#' + p[0] }, p[1]);
    }));
    app.append(h('header', null,
      h('div', { class: 'title-row' }, h('h1', null, 'etl dashboard'), h('span', { class: 'status-pill status-' + status.toLowerCase(), 'data-testid': 'status' }, status)),
      h('p', { class: 'meta' }, meta), nav));
    if (status === 'WARNING' || status === 'FAILED') {
      var ids = gateFailed.map(function (c) { return c.id; });
      var text = status === 'FAILED'
        ? 'FAILED: nothing was published by this run' + (ids.length ? '; error-severity rules failed: ' + ids.join(', ') : '') + '. The figures below the quality section are not available.'
        : ids.length
          ? 'WARNING: this run published although ' + ids.length + ' error-severity rule' + (ids.length === 1 ? '' : 's') + ' failed: ' + ids.join(', ') + '. Read the quality section before trusting the figures.'
          : 'WARNING: this run published with warnings. Read the quality section before trusting the figures.';
      app.append(h('div', { class: 'banner banner-' + status.toLowerCase(), role: 'alert', 'data-testid': 'status-banner' }, text));
    }
  }

  function renderTiles() {
    var tiles = [
      ['total_revenue', 'Revenue', money], ['order_count', 'Orders', int], ['average_order_value', 'Average order value', money],
      ['total_margin', 'Margin', money], ['margin_rate', 'Margin rate', pct], ['customers_with_orders', 'Customers with orders', int],
      ['units_sold', 'Units sold', int], ['inventory.out_of_stock_products', 'Products out of stock', int],
      ['returns.return_rate', 'Return rate', pct], ['conversion.conversion_rate', 'Conversion rate', pct],
    ];
    var row = h('div', { class: 'tiles', 'data-testid': 'tiles' });
    tiles.forEach(function (t) {
      var key = t[0];
      var parentKey = key.indexOf('.') > 0 ? key.split('.')[0] : key;
      var value = K ? get(K, key) : undefined;
      var reason = reasonOf(K ? K[parentKey] : undefined, parentKey, null) || (value === undefined || value === null ? reasonOf(value, key, 'not in kpis.json') : null);
      row.append(h('div', { class: 'tile', 'data-kpi': key },
        h('div', { class: 'tile-label' }, t[1]),
        reason ? h('div', { class: 'tile-value na', title: reason }, 'not available (' + reason + ')') : h('div', { class: 'tile-value' }, t[2](value))));
    });
    app.append(row);
  }

  // ---------- sales ----------
  /** Interval bounds in forecast rows: lower_80/upper_80, lower95/upper95, lower/upper …, widest first. */
  function bandKeys(rows) {
    var keys = rows.length ? Object.keys(rows[0]) : [];
    var bands = [];
    keys.forEach(function (lo) {
      var m = /^(.*?)(lower|lo)(.*)$/.exec(lo);
      if (!m) return;
      var hi = m[1] + (m[2] === 'lower' ? 'upper' : 'hi') + m[3];
      if (keys.indexOf(hi) >= 0) bands.push({ lo: lo, hi: hi, level: (/(\d+)/.exec(m[3]) || [])[1] || '' });
    });
    return bands.sort(function (a, b) { return Number(b.level || 0) - Number(a.level || 0); });
  }
  function anomaliesFor(metricTest) {
    var a = get(K, 'anomalies.alerts');
    return arr(a).filter(function (x) { return metricTest.test(String(x.metric)) && day(x.day || x.date) && num(x.value) !== null; })
      .map(function (x) {
        var expected = num(x.expected) !== null ? x.expected : num(x.expected_value) !== null ? x.expected_value : x.baseline_median;
        return { date: day(x.day || x.date), value: x.value, expected: num(expected), z: num(x.robust_z !== undefined ? x.robust_z : x.z), direction: x.direction };
      });
  }
  function dailyChart(grid, metric, title, withForecast) {
    var c = card(grid, title, { wide: true, id: 'daily-' + metric });
    var reason = reasonOf(K && K.sales_daily, 'sales_daily', 'no daily sales in kpis.json');
    if (reason) { c.append(na(reason)); return; }
    var daily = arr(K.sales_daily).map(function (r) { return { date: day(r.date), value: num(r[metric]) }; }).filter(function (d) { return d.date && d.value !== null; });
    if (daily.length === 0) { c.append(none('no orders in the period')); return; }
    var fc = withForecast && isObj(K.forecast) && !K.forecast.not_available ? arr(K.forecast.daily) : [];
    var bands = bandKeys(fc);
    var band = bands.length > 0;
    var fKey = fc.length && fc[0][metric] !== undefined ? metric : ['forecast', 'yhat', 'value', 'revenue'].find(function (k) { return fc.length && fc[0][k] !== undefined; });
    var forecast = fc.map(function (r) {
      return { date: day(r.date || r.day), value: num(r[fKey]), bounds: bands.map(function (b) { return [num(r[b.lo]), num(r[b.hi])]; }) };
    }).filter(function (d) { return d.date && d.value !== null; });
    var BAND_FILLS = ['#fde68a', '#fbbf24'];
    var anomalies = anomaliesFor(metric === 'revenue' ? /revenue/ : /order/);
    var asOf = day(K.as_of || Q.as_of);
    var items = [{ label: metric === 'revenue' ? 'revenue per day' : 'orders per day', color: COLORS.light, kind: 'line' }, { label: '7-day average', color: COLORS.main, kind: 'line' }];
    if (forecast.length) items.push({ label: 'forecast (' + (K.forecast.method || 'model') + ')', color: COLORS.forecast, kind: 'dash' });
    bands.slice(-2).forEach(function (b, i) {
      if (forecast.length) items.push({ label: b.level ? b.level + ' % interval' : 'forecast band (' + b.lo + ' – ' + b.hi + ')', color: BAND_FILLS[bands.length > 1 ? i : 1] });
    });
    items.push({ label: 'anomaly alert (' + anomalies.length + ')', color: COLORS.alert, kind: 'dot' });
    c.append(legend(items));
    if (withForecast) {
      var fReason = reasonOf(K.forecast, 'forecast', 'no forecast in kpis.json');
      if (fReason) c.append(na('forecast: ' + fReason));
      else if (forecast.length && !band) c.append(h('p', { class: 'note' }, 'forecast band: not available (no interval in kpis.json)'));
    }
    // The 7-day average over the whole series (then cut to the range shown, so its start is not biased).
    daily.forEach(function (d, i) {
      var w = daily.slice(Math.max(0, i - 6), i + 1);
      d.avg7 = w.reduce(function (t, x) { return t + x.value; }, 0) / w.length;
    });
    var last = daily[daily.length - 1].date.getTime();
    var ranges = [['last 6 months', 183], ['last year', 366], ['all history', Infinity]];
    var span = (last - daily[0].date.getTime()) / DAY_MS;
    var chosen = span > 240 ? 0 : 2;
    var tabs = h('div', { class: 'tabs', role: 'tablist' });
    c.append(tabs);
    var fig = chart(c, 'daily-' + metric, function (width) { return draw(width, ranges[chosen][1]); });
    ranges.forEach(function (r, i) {
      if (i < 2 && span <= r[1]) return;
      tabs.append(h('button', { class: i === chosen ? 'tab active' : 'tab', type: 'button', role: 'tab', 'data-range': String(r[1]), onclick: function (ev) {
        ev.preventDefault();
        Array.prototype.forEach.call(tabs.children, function (b) { b.className = b === ev.currentTarget ? 'tab active' : 'tab'; });
        guard(fig, 'chart daily-' + metric, function () {
          fig.replaceChildren(draw(Number(c.dataset.width) || 600, r[1]));
        });
      } }, r[0]));
    });
    function draw(width, days) {
      var from = days === Infinity ? -Infinity : last - days * DAY_MS;
      var shown = daily.filter(function (d) { return d.date.getTime() > from; });
      var alerts = anomalies.filter(function (d) { return d.date.getTime() > from; });
      var marks = [];
      // The widest interval first, so the narrower one is drawn over it (at most two).
      bands.slice(-2).forEach(function (b, i) {
        var k = bands.indexOf(b);
        var rows = forecast.filter(function (d) { return d.bounds[k][0] !== null && d.bounds[k][1] !== null; });
        marks.push(Plot.areaY(rows, { x: 'date', y1: function (d) { return d.bounds[k][0]; }, y2: function (d) { return d.bounds[k][1]; }, fill: BAND_FILLS[bands.length > 1 ? i : 1], fillOpacity: 0.7 }));
      });
      marks.push(Plot.lineY(shown, { x: 'date', y: 'value', stroke: COLORS.light, strokeWidth: 1 }));
      marks.push(Plot.lineY(shown, { x: 'date', y: 'avg7', stroke: COLORS.main, strokeWidth: 1.8 }));
      if (forecast.length) marks.push(Plot.lineY(forecast, { x: 'date', y: 'value', stroke: COLORS.forecast, strokeWidth: 1.4, strokeDasharray: '4,3' }));
      if (asOf) marks.push(Plot.ruleX([asOf], { stroke: COLORS.muted, strokeDasharray: '2,3' }));
      marks.push(Plot.dot(alerts, {
        x: 'date', y: 'value', r: 3.5, fill: COLORS.alert, stroke: 'white', strokeWidth: 0.8,
        title: function (d) { return d.date.toISOString().slice(0, 10) + ': ' + plain(d.value) + (d.expected !== null ? ' (expected ' + plain(d.expected) + ')' : '') + (d.z !== null ? ', z ' + d.z : ''); },
      }));
      marks.push(Plot.ruleY([0]));
      marks.push(Plot.tip(shown, Plot.pointerX({ x: 'date', y: 'value', title: function (d) { return d.date.toISOString().slice(0, 10) + '\n' + (metric === 'revenue' ? money(d.value) : int(d.value)) + '\n7-day average ' + plain(Math.round(d.avg7 * 100) / 100); } })));
      return Plot.plot({ width: width, height: 260, marginLeft: 60, x: { type: 'utc', label: null }, y: { grid: true, label: metric === 'revenue' ? 'revenue' : 'orders' }, marks: marks });
    }
  }
  function isPartial(row, start, end) {
    if (typeof row.partial === 'boolean') return row.partial;
    if (typeof row.is_partial === 'boolean') return row.is_partial;
    var first = day(get(K, 'period.first_order_date'));
    var asOf = day(K.as_of || Q.as_of);
    return !!((first && start < first) || (asOf && end.getTime() > asOf.getTime() + DAY_MS));
  }
  function periodChart(grid, key, title, toRange) {
    var c = card(grid, title, { id: key });
    var reason = reasonOf(K && K[key], key, 'no ' + key + ' in kpis.json');
    if (reason) { c.append(na(reason)); return; }
    var rows = arr(K[key]).map(function (r) {
      var range = toRange(r);
      if (!range) return null;
      return { start: range[0], end: range[1], revenue: num(r.revenue), orders: num(r.order_count), partial: isPartial(r, range[0], range[1]) };
    }).filter(function (d) { return d && d.revenue !== null; });
    if (rows.length === 0) { c.append(none('no orders in the period')); return; }
    var partial = rows.filter(function (d) { return d.partial; }).length;
    c.append(legend([{ label: 'complete', color: COLORS.main }, { label: 'partial period (' + partial + ')', color: COLORS.light }]));
    chart(c, key, function (width) {
      return Plot.plot({
        width: width, height: 240, marginLeft: 60, x: { type: 'utc', label: null }, y: { grid: true, label: 'revenue' },
        marks: [
          Plot.rectY(rows, { x1: 'start', x2: 'end', y: 'revenue', fill: function (d) { return d.partial ? COLORS.light : COLORS.main; }, inset: 0.5,
            title: function (d) { return d.start.toISOString().slice(0, 10) + (d.partial ? ' (partial)' : '') + '\nrevenue ' + money(d.revenue) + '\norders ' + int(d.orders); } }),
          Plot.ruleY([0]),
        ],
      });
    });
  }
  function renderSales() {
    var grid = section('sales', 'Sales', 'Revenue and orders per day with the forecast and the anomaly alerts; weekly and monthly totals (partial periods lighter).');
    guard(grid, 'revenue per day', function () { dailyChart(grid, 'revenue', 'Revenue per day', true); });
    guard(grid, 'orders per day', function () { dailyChart(grid, 'order_count', 'Orders per day', false); });
    guard(grid, 'weekly', function () {
      periodChart(grid, 'sales_weekly', 'Revenue per week', function (r) {
        var s = day(r.week_start);
        return s ? [s, new Date(s.getTime() + 7 * DAY_MS)] : null;
      });
    });
    guard(grid, 'monthly', function () {
      periodChart(grid, 'sales_monthly', 'Revenue per month', function (r) {
        var s = day(r.month_start) || (num(r.year) !== null && num(r.month) !== null ? new Date(Date.UTC(r.year, r.month - 1, 1)) : null);
        return s ? [s, new Date(Date.UTC(s.getUTCFullYear(), s.getUTCMonth() + 1, 1))] : null;
      });
    });
  }

  // ---------- products ----------
  function renderProducts() {
    var grid = section('products', 'Products', 'Revenue and margin by category, the top products and what promotions did to revenue per day.');
    guard(grid, 'categories', function () {
      var c = card(grid, 'Revenue and margin by category', { id: 'categories' });
      var reason = reasonOf(K && K.revenue_by_category, 'revenue_by_category', 'no categories in kpis.json');
      if (reason) { c.append(na(reason)); return; }
      var rows = arr(K.revenue_by_category).filter(function (r) { return num(r.revenue) !== null; });
      if (!rows.length) { c.append(none('no sales by category')); return; }
      c.append(legend([{ label: 'revenue', color: COLORS.light }, { label: 'margin', color: COLORS.margin }]));
      chart(c, 'categories', function (width) {
        var labels = rows.map(function (r) { return String(r.category === null ? '(none)' : r.category); });
        var data = rows.map(function (r, i) { return { label: labels[i], revenue: r.revenue, margin: num(r.margin), rate: num(r.margin_rate) }; });
        return Plot.plot({
          width: width, height: data.length * 24 + 40, marginLeft: labelMargin(labels), marginRight: 70,
          x: { grid: true, label: 'revenue / margin' }, y: { label: null, domain: labels },
          marks: [
            Plot.barX(data, { x: 'revenue', y: 'label', fill: COLORS.light, title: function (d) { return d.label + '\nrevenue ' + money(d.revenue) + '\nmargin ' + money(d.margin) + ' (' + pct(d.rate) + ')'; } }),
            Plot.barX(data.filter(function (d) { return d.margin !== null; }), { x: 'margin', y: 'label', fill: COLORS.margin, insetTop: 5, insetBottom: 5 }),
            Plot.text(data, { x: 'revenue', y: 'label', text: function (d) { return d.rate === null ? '' : pct(d.rate); }, dx: 4, textAnchor: 'start', fill: '#334155' }),
            Plot.ruleX([0]),
          ],
        });
      });
    });
    guard(grid, 'top products', function () {
      var c = card(grid, 'Top products', { id: 'top-products' });
      var reason = reasonOf(K && K.top_products, 'top_products', 'no top products in kpis.json');
      if (reason) { c.append(na(reason)); return; }
      var rankings = [
        ['revenue', 'by revenue', K.top_products_by_revenue || K.top_products, money],
        ['units', 'by units', K.top_products_by_units, int],
        ['margin', 'by margin', K.most_profitable_products, money],
      ];
      var tabs = h('div', { class: 'tabs', role: 'tablist' });
      var panes = [];
      c.append(tabs);
      rankings.forEach(function (rk, i) {
        var pane = h('div', { class: 'pane', 'data-ranking': rk[0] });
        c.append(pane);
        panes.push(pane);
        tabs.append(h('button', { class: i === 0 ? 'tab active' : 'tab', type: 'button', role: 'tab', onclick: function (ev) {
          panes.forEach(function (p, j) { p.hidden = j !== i; });
          Array.prototype.forEach.call(tabs.children, function (b, j) { b.className = j === i ? 'tab active' : 'tab'; });
          ev.preventDefault();
        } }, rk[1]));
        var rows = arr(rk[2]);
        if (!rows.length) { pane.append(na('no ranking ' + rk[1] + ' in kpis.json')); return; }
        chart(pane, 'top-products-' + rk[0], function (width) {
          return barsX(rows, { label: productLabel, value: function (r) { return r[rk[0]]; }, format: rk[3], color: rk[0] === 'margin' ? COLORS.margin : COLORS.main }, width);
        });
      });
      panes.forEach(function (p, j) { p.hidden = j !== 0; });
      var byId = {};
      arr(K.top_products_by_revenue).forEach(function (r) { byId[r.product_id] = r; });
      c.append(h('h4', null, 'Top ' + arr(K.top_products).length + ' by revenue'));
      c.append(table([
        { title: '#', value: function (r) { return r.i; }, num: true },
        { title: 'product', key: 'product_id', value: function (r) { return r.product_id; } },
        { title: 'name', value: function (r) { return (byId[r.product_id] || {}).product_name || '—'; } },
        { title: 'revenue', key: 'revenue', value: function (r) { return money(r.revenue); }, num: true },
        { title: 'units', value: function (r) { return int((byId[r.product_id] || {}).units); }, num: true },
        { title: 'margin', value: function (r) { return money((byId[r.product_id] || {}).margin); }, num: true },
      ], arr(K.top_products).map(function (r, i) { return Object.assign({ i: i + 1 }, r); }), { 'data-testid': 'top-products' }));
    });
    guard(grid, 'promotions', function () {
      var c = card(grid, 'Promotion impact (revenue per day: same number of days before vs during)', { wide: true, id: 'promotions' });
      var reason = reasonOf(K && K.promotions, 'promotions', 'no promotions in kpis.json');
      if (reason) { c.append(na(reason)); return; }
      var rows = arr(K.promotions.impact);
      if (!rows.length) { c.append(none('no promotion in the period')); return; }
      var phases = ['baseline', 'during'];
      // kpis.json promotions.impact: totals per window and its observed days (revenue_baseline / baseline_days …).
      var perDay = function (r, p) { var v = num(r['revenue_' + p]), d = num(r[p + '_days']); return v === null || !d ? null : v / d; };
      var label = function (r) { return String(r.promotion_id) + ' · ' + (r.product_id || r.category || 'all') + (num(r.discount_pct) !== null ? ' · −' + r.discount_pct + ' %' : ''); };
      var labels = rows.map(label);
      var flat = [];
      rows.forEach(function (r, i) {
        phases.forEach(function (p) { var v = perDay(r, p); if (v !== null) flat.push({ promo: labels[i], phase: p, value: v, delta: r.revenue_lift_pct }); });
      });
      var spans = rows.map(function (r, i) {
        var vs = phases.map(function (p) { return perDay(r, p); }).filter(function (v) { return v !== null; });
        return { promo: labels[i], lo: Math.min.apply(null, vs), hi: Math.max.apply(null, vs), delta: num(r.revenue_lift_pct) };
      }).filter(function (s) { return isFinite(s.lo); });
      chart(c, 'promotions', function (width) {
        return Plot.plot({
          width: width, height: rows.length * 24 + 60, marginLeft: labelMargin(labels, 80, 260), marginRight: 70,
          x: { grid: true, label: 'revenue per day' }, y: { label: null, domain: labels },
          color: { domain: phases, range: [COLORS.muted, COLORS.forecast], legend: true },
          marks: [
            Plot.ruleY(spans, { y: 'promo', x1: 'lo', x2: 'hi', stroke: '#cbd5e1', strokeWidth: 2 }),
            Plot.dot(flat, { x: 'value', y: 'promo', fill: 'phase', r: 5, title: function (d) { return d.promo + '\n' + d.phase + ': ' + money(d.value) + ' per day'; } }),
            Plot.text(spans, { x: 'hi', y: 'promo', text: function (d) { return d.delta === null ? '' : (d.delta >= 0 ? '+' : '') + d.delta.toFixed(0) + ' %'; }, dx: 10, textAnchor: 'start', fill: '#334155' }),
          ],
        });
      });
    });
  }

  // ---------- customers ----------
  function renderCustomers() {
    var grid = section('customers', 'Customers', 'RFM segments, the distribution of customer lifetime value, the most valuable customers and how cohorts come back.');
    guard(grid, 'rfm', function () {
      var c = card(grid, 'RFM segments', { id: 'rfm' });
      var reason = reasonOf(K && K.rfm, 'rfm', 'no RFM in kpis.json') || reasonOf(K.rfm.segments, 'rfm.segments', 'no RFM segments in kpis.json');
      if (reason) { c.append(na(reason)); return; }
      var rows = arr(K.rfm.segments);
      if (!rows.length) { c.append(none('no customer with an order')); return; }
      chart(c, 'rfm', function (width) {
        return barsX(rows, { label: function (r) { return String(r.segment); }, value: function (r) { return r.customers; }, format: int, fill: function (r) { return /risk|lost/i.test(r.segment) ? COLORS.warn : /champ|loyal/i.test(r.segment) ? COLORS.margin : COLORS.main; } }, width);
      });
      c.append(table([
        { title: 'segment', key: 'segment', value: function (r) { return r.segment; } },
        { title: 'customers', key: 'customers', value: function (r) { return int(r.customers); }, num: true },
        { title: 'share', value: function (r) { return pct(r.customer_share); }, num: true },
        { title: 'revenue', value: function (r) { return money(r.revenue); }, num: true },
      ], rows, { 'data-testid': 'rfm-segments' }));
    });
    guard(grid, 'clv', function () {
      var c = card(grid, 'Customer lifetime value (seed formula)', { id: 'clv' });
      var reason = reasonOf(K && K.clv, 'clv', 'no CLV in kpis.json');
      if (reason) { c.append(na(reason)); return; }
      var q = isObj(K.clv.quantiles) ? K.clv.quantiles : {};
      c.append(h('p', { class: 'note' }, 'median ' + money(q.median) + ' · p90 ' + money(q.p90) + ' · mean ' + money(q.mean) + ' · ' + int(K.clv.customers) + ' customers'));
      var rows = arr(K.clv.buckets).filter(function (b) { return num(b.customers) !== null; });
      if (!rows.length) { c.append(none('no CLV buckets')); return; }
      chart(c, 'clv-distribution', function (width) {
        var data = rows.map(function (b) { return { label: nf0.format(b.lower_bound || 0) + (num(b.upper_bound) !== null ? '–' + nf0.format(b.upper_bound) : '+'), customers: b.customers }; });
        return Plot.plot({
          width: width, height: 240, marginLeft: 50, marginBottom: 50,
          x: { label: 'CLV', domain: data.map(function (d) { return d.label; }), tickRotate: -25 }, y: { grid: true, label: 'customers' },
          marks: [Plot.barY(data, { x: 'label', y: 'customers', fill: COLORS.main, title: function (d) { return d.label + ': ' + d.customers + ' customers'; } }), Plot.ruleY([0])],
        });
      });
    });
    guard(grid, 'top customers', function () {
      var c = card(grid, 'Top customers by predictive CLV', { wide: true, id: 'top-customers' });
      var reason = reasonOf(K && K.clv, 'clv', 'no CLV in kpis.json') || reasonOf(K.clv.top_customers, 'clv.top_customers', 'no top customers in kpis.json');
      if (reason) { c.append(na(reason)); return; }
      var rows = arr(K.clv.top_customers);
      if (!rows.length) { c.append(none('no customer with an order')); return; }
      var predictive = rows.some(function (r) { return num(r.predictive_clv) !== null; });
      var metric = predictive ? 'predictive_clv' : 'clv';
      if (!predictive) {
        var why = isObj(K.clv.predictive) && typeof K.clv.predictive.not_available === 'string' ? K.clv.predictive.not_available : 'no predictive CLV in kpis.json';
        c.append(h('p', { class: 'na' }, 'predictive CLV: not available (' + why + '); ranked by the seed CLV'));
      }
      chart(c, 'top-customers', function (width) {
        return barsX(rows, { label: function (r) { return String(r.customer_id === null ? '(guest)' : r.customer_id); }, value: function (r) { return r[metric]; }, format: money, color: COLORS.margin }, width);
      });
      var cols = [
        { title: '#', value: function (r) { return r.rank !== undefined ? r.rank : ''; }, num: true },
        { title: 'customer', value: function (r) { return r.customer_id; } },
        { title: 'orders', value: function (r) { return int(r.order_count); }, num: true },
        { title: 'revenue', value: function (r) { return money(r.revenue); }, num: true },
        { title: 'CLV (seed)', value: function (r) { return money(r.clv); }, num: true },
      ];
      if (predictive) {
        cols.push({ title: 'predictive CLV', value: function (r) { return money(r.predictive_clv); }, num: true });
        if (rows.some(function (r) { return num(r.p_alive) !== null; })) cols.push({ title: 'P(alive)', value: function (r) { return pct(r.p_alive); }, num: true });
      }
      c.append(table(cols, rows, { 'data-testid': 'top-customers' }));
    });
    guard(grid, 'cohorts', function () {
      var c = card(grid, 'Cohort retention (share of a first-order month’s customers ordering again k months later)', { wide: true, id: 'cohorts' });
      var reason = reasonOf(K && K.cohorts, 'cohorts', 'no cohorts in kpis.json');
      if (reason) { c.append(na(reason)); return; }
      var cohorts = arr(K.cohorts);
      var flat = [];
      cohorts.forEach(function (co) {
        (Array.isArray(co.retention) ? co.retention : []).forEach(function (r, k) {
          if (num(r) !== null) flat.push({ cohort: String(co.cohort_month).slice(0, 7), k: k, r: r, size: co.cohort_size });
        });
      });
      if (!flat.length) { c.append(none('no cohort data')); return; }
      var labels = cohorts.map(function (co) { return String(co.cohort_month).slice(0, 7); });
      var cols = flat.reduce(function (m, d) { return Math.max(m, d.k + 1); }, 0);
      chart(c, 'cohorts', function (width) {
        return Plot.plot({
          width: width, height: labels.length * 18 + 80, marginLeft: 70, padding: 0.06,
          x: { label: 'months since the first order', domain: Array.from({ length: cols }, function (_, i) { return i; }), axis: 'top' },
          y: { label: null, domain: labels },
          color: { type: 'linear', scheme: 'blues', domain: [0, Math.max(0.05, d3.max(flat.filter(function (d) { return d.k > 0; }), function (d) { return d.r; }) || 1)], legend: true, label: 'retention', tickFormat: '.0%' },
          marks: [
            Plot.cell(flat, { x: 'k', y: 'cohort', fill: 'r', title: function (d) { return d.cohort + ', month ' + d.k + ': ' + pct(d.r) + ' of ' + d.size; } }),
            cols <= 26 ? Plot.text(flat.filter(function (d) { return d.k > 0 && d.r > 0; }), { x: 'k', y: 'cohort', text: function (d) { return (d.r * 100).toFixed(0); }, fontSize: 8, fill: function (d) { return d.r > 0.5 ? 'white' : '#1e293b'; } }) : null,
          ],
        });
      });
    });
  }

  // ---------- stock ----------
  function renderStock() {
    var grid = section('stock', 'Stock', 'Products out of stock and low on stock by warehouse, days of cover at the recent sales pace, and the stock-out forecast.');
    var inv = K ? K.inventory : undefined;
    var reason = reasonOf(inv, 'inventory', 'no inventory in kpis.json');
    guard(grid, 'stock by warehouse', function () {
      var c = card(grid, 'Out of stock and low stock by warehouse', { id: 'stock-by-warehouse' });
      if (reason) { c.append(na(reason)); return; }
      var flat = [];
      var byWarehouse = arr(inv.by_warehouse);
      var note = null;
      if (byWarehouse.length) {
        byWarehouse.forEach(function (w) {
          var name = String(w.warehouse_id === undefined ? w.warehouse : w.warehouse_id);
          var out = [w.products_at_zero, w.out_of_stock_products, w.out_of_stock].map(num).find(function (v) { return v !== null; });
          var low = [w.low_stock_products, w.products_low, w.low_stock].map(num).find(function (v) { return v !== null; });
          if (out !== undefined) flat.push({ warehouse: name, level: 'out of stock', n: out });
          if (low !== undefined) flat.push({ warehouse: name, level: 'low stock', n: low });
        });
        if (!flat.some(function (d) { return d.level === 'low stock'; })) {
          var lows = arr(inv.low_stock_alerts).filter(function (a) { return a.level !== 'out_of_stock'; }).length;
          note = 'low stock by warehouse: not available (no per-warehouse low stock in kpis.json); ' + lows + ' product' + (lows === 1 ? '' : 's') + ' low on stock over all warehouses';
        }
      } else {
        var alerts = arr(inv.low_stock_alerts);
        var hasWh = alerts.some(function (a) { return a.warehouse_id !== undefined; });
        if (!hasWh) note = 'per-warehouse stock: not available (no warehouse in kpis.json); all warehouses together';
        var groups = {};
        alerts.forEach(function (a) {
          var w = hasWh ? String(a.warehouse_id) : 'all warehouses';
          var level = a.level === 'out_of_stock' || num(a.latest_stock) === 0 ? 'out of stock' : 'low stock';
          groups[w + '\u0000' + level] = (groups[w + '\u0000' + level] || 0) + 1;
        });
        Object.keys(groups).sort().forEach(function (k) { var p = k.split('\u0000'); flat.push({ warehouse: p[0], level: p[1], n: groups[k] }); });
      }
      var out = num(inv.out_of_stock_products);
      c.append(h('p', { class: 'note' }, 'products out of stock: ' + (out === null ? 'not available' : int(out)) + ' · low-stock threshold ' + plain(inv.low_stock_threshold) + ' units'));
      if (note) c.append(h('p', { class: 'na' }, note));
      if (!flat.length || flat.every(function (d) { return d.n === 0; })) { c.append(none('no product out of stock or low on stock')); return; }
      chart(c, 'stock-by-warehouse', function (width) {
        var warehouses = Array.from(new Set(flat.map(function (d) { return d.warehouse; })));
        return Plot.plot({
          width: width, height: warehouses.length * 26 + 70, marginLeft: labelMargin(warehouses), marginRight: 40,
          x: { grid: true, label: 'products' }, y: { label: null, domain: warehouses },
          color: { domain: ['out of stock', 'low stock'], range: [COLORS.alert, COLORS.warn], legend: true },
          marks: [Plot.barX(flat, { x: 'n', y: 'warehouse', fill: 'level', title: function (d) { return d.warehouse + ': ' + d.n + ' ' + d.level; } }), Plot.ruleX([0])],
        });
      });
    });
    guard(grid, 'days of cover', function () {
      var c = card(grid, 'Days of cover (lowest 15)', { id: 'days-of-cover' });
      if (reason) { c.append(na(reason)); return; }
      var rows = arr(inv.days_of_cover).filter(function (r) { return num(r.days_of_cover) !== null; })
        .sort(function (a, b) { return a.days_of_cover - b.days_of_cover || String(a.product_id).localeCompare(String(b.product_id)); }).slice(0, 15);
      if (!rows.length) { c.append(none('no product with recent sales to measure cover against')); return; }
      c.append(h('p', { class: 'note' }, 'stock ÷ average daily units over the last ' + plain(inv.cover_window_days) + ' days'));
      chart(c, 'days-of-cover', function (width) {
        return barsX(rows, { label: productLabel, value: function (r) { return r.days_of_cover; }, format: plain, fill: function (r) { return r.days_of_cover <= 0 ? COLORS.alert : r.days_of_cover < 14 ? COLORS.warn : COLORS.main; } }, width);
      });
    });
    guard(grid, 'stock-out forecast', function () {
      var c = card(grid, 'Stock-out forecast', { wide: true, id: 'stockout-forecast' });
      if (reason) { c.append(na(reason)); return; }
      var f = [inv.stockout_forecast, inv.stock_out_forecast, K.stockout_forecast, K.stock_out_forecast].find(function (v) { return v !== undefined && v !== null; });
      var fReason = reasonOf(f, 'stockout_forecast', 'no stock-out forecast in kpis.json');
      if (fReason) { c.append(na(fReason)); return; }
      var rows = Array.isArray(f) ? arr(f) : arr(f.products || f.items || f.rows);
      if (!rows.length) { c.append(none('no product expected to run out')); return; }
      var keys = Object.keys(rows[0]).slice(0, 8);
      c.append(table(keys.map(function (k) { return { title: k.replace(/_/g, ' '), value: function (r) { return typeof r[k] === 'number' ? plain(r[k]) : r[k] === null || r[k] === undefined ? '—' : String(r[k]); }, num: typeof rows[0][k] === 'number' }; }), rows.slice(0, 20)));
    });
  }

  // ---------- returns, conversion, fraud, alerts ----------
  function renderOperations() {
    var grid = section('operations', 'Returns, conversion and alerts', null);
    guard(grid, 'returns', function () {
      var c = card(grid, 'Returns by category', { id: 'returns' });
      var reason = reasonOf(K && K.returns, 'returns', 'no returns in kpis.json');
      if (reason) { c.append(na(reason)); return; }
      c.append(h('p', { class: 'note' }, 'return rate ' + pct(K.returns.return_rate) + ' · ' + int(K.returns.returned_units) + ' of ' + int(K.returns.sold_units) + ' units returned'));
      var rows = arr(K.returns.by_category).filter(function (r) { return num(r.return_rate) !== null; });
      if (!rows.length) { c.append(none('no returns')); return; }
      chart(c, 'returns', function (width) {
        return barsX(rows, { label: function (r) { return String(r.category); }, value: function (r) { return r.return_rate; }, format: pct, color: COLORS.warn, tickFormat: function (v) { return (v * 100).toFixed(0) + ' %'; } }, width);
      });
    });
    guard(grid, 'conversion', function () {
      var c = card(grid, 'Conversion funnel (sessions)', { id: 'conversion' });
      var reason = reasonOf(K && K.conversion, 'conversion', 'no web events in kpis.json');
      if (reason) { c.append(na(reason)); return; }
      var conv = K.conversion;
      var steps = arr(conv.funnel).map(function (s) { return { step: String(s.step || s.stage || s.event_type), n: num(s.sessions !== undefined ? s.sessions : s.count) }; });
      if (!steps.length) {
        steps = [{ step: 'sessions', n: num(conv.sessions) }];
        var cart = [conv.add_to_cart_sessions, conv.cart_sessions].map(num).find(function (v) { return v !== null; });
        if (cart !== undefined) steps.push({ step: 'added to cart', n: cart });
        steps.push({ step: 'purchased', n: num(conv.purchase_sessions) });
      }
      steps = steps.filter(function (s) { return s.n !== null; });
      c.append(h('p', { class: 'note' }, 'conversion rate ' + pct(conv.conversion_rate)));
      if (!steps.length || !steps[0].n) { c.append(none('no sessions')); return; }
      var top = steps[0].n;
      chart(c, 'conversion', function (width) {
        return barsX(steps, { label: function (s) { return s.step; }, value: function (s) { return s.n; }, format: function (v) { return int(v) + ' (' + pct(v / top) + ')'; }, color: COLORS.main, band: 34 }, width);
      });
    });
    guard(grid, 'fraud', function () {
      var c = card(grid, 'Fraud-suspect orders', { id: 'fraud' });
      var f = K ? [K.suspicious_orders, K.fraud_suspects, K.fraud_suspect_orders, K.fraud].find(function (v) { return v !== undefined && v !== null; }) : undefined;
      var reason = reasonOf(f, 'suspicious_orders', 'no fraud scoring in kpis.json');
      if (reason) { c.append(na(reason)); return; }
      var rows = Array.isArray(f) ? arr(f) : arr(f.orders || f.suspects || f.suspect_orders);
      if (!rows.length) { c.append(none('no suspect order')); return; }
      var keys = Object.keys(rows[0]).slice(0, 6);
      c.append(table(keys.map(function (k) { return { title: k.replace(/_/g, ' '), value: function (r) { return typeof r[k] === 'number' ? plain(r[k]) : Array.isArray(r[k]) ? r[k].join(', ') : r[k] === null || r[k] === undefined ? '—' : String(r[k]); }, num: typeof rows[0][k] === 'number' }; }), rows.slice(0, 20), { 'data-testid': 'fraud' }));
    });
    guard(grid, 'alerts', function () {
      var c = card(grid, 'Anomaly and stock alerts', { id: 'alerts' });
      if (K === null) { c.append(na(D.kpis_note || 'no kpis.json')); return; }
      var anomalies = arr(get(K, 'anomalies.alerts'));
      var stock = arr(get(K, 'inventory.low_stock_alerts'));
      var outs = stock.filter(function (a) { return a.level === 'out_of_stock'; }).length;
      c.append(h('p', { class: 'note' }, anomalies.length + ' anomaly alert' + (anomalies.length === 1 ? '' : 's') + ' · ' + outs + ' out of stock · ' + (stock.length - outs) + ' low stock'));
      if (!anomalies.length) { c.append(none('no anomaly')); return; }
      var recent = anomalies.slice().sort(function (a, b) { return String(b.day || b.date).localeCompare(String(a.day || a.date)); }).slice(0, 12);
      c.append(h('h4', null, 'Latest anomalies'));
      c.append(table([
        { title: 'day', value: function (a) { return a.day || a.date; } },
        { title: 'metric', value: function (a) { return a.metric; } },
        { title: 'value', value: function (a) { return plain(a.value); }, num: true },
        { title: 'expected', value: function (a) { return plain(a.expected !== undefined ? a.expected : a.expected_value !== undefined ? a.expected_value : a.baseline_median); }, num: true },
        { title: 'z', value: function (a) { return plain(a.robust_z !== undefined ? a.robust_z : a.z); }, num: true },
        { title: 'change', value: function (a) { return num(a.change_pct) === null ? '' : (a.change_pct > 0 ? '+' : '') + a.change_pct.toFixed(0) + ' %'; }, num: true },
        { title: 'kind', value: function (a) { return a.kind || a.direction || ''; } },
      ], recent));
    });
  }

  // ---------- quality ----------
  var PARTS = [['rows_out', 'in silver', COLORS.main], ['rows_quarantined', 'quarantined', COLORS.alert], ['duplicates_dropped', 'duplicates dropped', COLORS.muted], ['rows_excluded', 'excluded', COLORS.warn]];
  function renderQuality() {
    var grid = section('quality', 'Quality', 'The run’s checks: conservation per source, failed and warning checks first, the top quarantine reasons and the trend of quarantine rates.');
    guard(grid, 'summary', function () {
      var c = card(grid, 'Run', { id: 'run-summary' });
      var s = isObj(Q.summary) ? Q.summary : {};
      c.append(h('p', { class: 'status-line' }, h('span', { class: 'status-pill status-' + status.toLowerCase() }, status), ' ', (Q.strict ? 'strict' : 'lenient') + ' run ' + (Q.run_id || '—') + ' as of ' + (Q.as_of || '—')));
      c.append(h('div', { class: 'mini-tiles', 'data-testid': 'check-summary' }, ['passed', 'warning', 'failed', 'error', 'skipped'].map(function (k) {
        return h('div', { class: 'mini-tile mt-' + k, 'data-status': k }, h('div', { class: 'mini-value' }, int(s[k])), h('div', { class: 'tile-label' }, k));
      })));
    });
    guard(grid, 'conservation', function () {
      var c = card(grid, 'Conservation per source', { id: 'conservation' });
      var sources = isObj(Q.sources) ? Q.sources : {};
      var names = Object.keys(sources);
      if (!names.length) { c.append(none('no source read')); return; }
      var parts = PARTS.filter(function (p) { return p[0] !== 'rows_excluded' || names.some(function (n) { return sources[n].rows_excluded !== undefined; }); });
      var rows = names.map(function (n) { return Object.assign({ source: n }, sources[n]); });
      var cols = [{ title: 'source', key: 'source', value: function (r) { return r.source; } }, { title: 'records in', key: 'records_in', value: function (r) { return int(r.records_in); }, num: true }]
        .concat(parts.map(function (p) { return { title: p[1], key: p[0], value: function (r) { return int(r[p[0]]); }, num: true }; }))
        .concat([{ title: 'holds', key: 'balanced', value: function (r) {
          var sum = parts.reduce(function (t, p) { return t + (num(r[p[0]]) || 0); }, 0);
          return sum === r.records_in ? '✓' : '✗ ' + int(r.records_in - sum);
        } }]);
      c.append(table(cols, rows, { 'data-testid': 'conservation' }));
      var flat = [];
      rows.forEach(function (r) { parts.forEach(function (p) { var v = num(r[p[0]]); if (v) flat.push({ source: r.source, part: p[1], n: v, total: r.records_in }); }); });
      if (!flat.length) return;
      chart(c, 'conservation', function (width) {
        return Plot.plot({
          width: width, height: names.length * 26 + 70, marginLeft: labelMargin(names), x: { percent: true, label: 'share of records in (%)' }, y: { label: null, domain: names },
          color: { domain: parts.map(function (p) { return p[1]; }), range: parts.map(function (p) { return p[2]; }), legend: true },
          marks: [Plot.barX(flat, { x: 'n', y: 'source', fill: 'part', offset: 'normalize', title: function (d) { return d.source + ': ' + int(d.n) + ' ' + d.part + ' of ' + int(d.total); } })],
        });
      });
    });
    guard(grid, 'checks', function () {
      var c = card(grid, 'Failed and warning checks', { wide: true, id: 'checks' });
      var rank = { error: 0, failed: 1, warning: 2 };
      var bad = checks.filter(function (ch) { return rank[ch.status] !== undefined; })
        .sort(function (a, b) {
          return rank[a.status] - rank[b.status] || (a.severity === 'error' ? 0 : 1) - (b.severity === 'error' ? 0 : 1) ||
            (a.kind === 'dataset' ? 0 : 1) - (b.kind === 'dataset' ? 0 : 1) || String(a.id).localeCompare(String(b.id));
        });
      var passed = checks.length - bad.length;
      c.append(h('p', { class: 'note' }, bad.length + ' of ' + checks.length + ' checks need a look; ' + passed + ' passed or skipped'));
      if (!bad.length) { c.append(none('every check passed')); return; }
      c.append(table([
        { title: 'status', key: 'status', value: function (ch) { return h('span', { class: 'badge badge-' + ch.status }, ch.status); } },
        { title: 'severity', value: function (ch) { return ch.severity; } },
        { title: 'check', key: 'id', value: function (ch) { return ch.id; } },
        { title: 'layer', value: function (ch) { return ch.layer; } },
        { title: 'value', key: 'value', value: function (ch) { return ch.value === undefined ? '' : plain(ch.value); }, num: true },
        { title: 'threshold', key: 'threshold', value: function (ch) { return ch.threshold || ''; } },
        { title: 'rows', value: function (ch) { return int(ch.failed_rows); }, num: true },
        { title: 'what', value: function (ch) { return short(ch.message || ch.description, 140); } },
      ], bad.slice(0, 200), { 'data-testid': 'checks' }));
    });
    guard(grid, 'reasons', function () {
      var c = card(grid, 'Top quarantine reasons', { wide: true, id: 'reasons' });
      var reasons = arr(Q.top_reasons);
      if (!reasons.length) { c.append(none('nothing was quarantined')); return; }
      chart(c, 'reasons', function (width) {
        return barsX(reasons, { label: function (r) { return r.rule_id; }, value: function (r) { return r.count; }, format: int, color: COLORS.alert }, width);
      });
      c.append(table([
        { title: 'dataset', value: function (r) { return r.dataset; } },
        { title: 'rule', value: function (r) { return r.rule_id; } },
        { title: 'reason', value: function (r) { return short(r.reason, 120); } },
        { title: 'rows', value: function (r) { return int(r.count); }, num: true },
        { title: 'sample records (keys)', key: 'sample_keys', value: function (r) { return (Array.isArray(r.sample_keys) ? r.sample_keys : []).slice(0, 5).join(' ; '); } },
      ], reasons, { 'data-testid': 'reasons' }));
    });
    guard(grid, 'trend', function () {
      var c = card(grid, 'Quarantine rate over the last runs', { wide: true, id: 'trend' });
      var runs = arr(D.runs);
      if (D.runs_note) c.append(h('p', { class: 'note' }, D.runs_note));
      var labels = runs.map(function (r, i) { return (i + 1) + '. ' + r.as_of + (r.current ? ' (this run)' : '') + ' ' + String(r.run_id).slice(-6); });
      var flat = [];
      runs.forEach(function (r, i) {
        Object.keys(isObj(r.sources) ? r.sources : {}).forEach(function (s) {
          var v = r.sources[s];
          if (num(v.records_in)) flat.push({ run: labels[i], source: s, rate: (100 * v.rows_quarantined) / v.records_in, status: r.status });
        });
      });
      if (!flat.length) { c.append(none('no run with records')); return; }
      chart(c, 'trend', function (width) {
        return Plot.plot({
          width: width, height: 260, marginLeft: 60, marginBottom: 60,
          x: { domain: labels, label: null, tickRotate: labels.length > 4 ? -20 : 0, padding: 0.3 },
          y: { grid: true, label: 'quarantined (% of records in)', domain: [0, Math.max(1, d3.max(flat, function (d) { return d.rate; }) * 1.15)] },
          color: { legend: true },
          marks: [
            labels.length > 1 ? Plot.line(flat, { x: 'run', y: 'rate', stroke: 'source', z: 'source' }) : null,
            Plot.dot(flat, { x: 'run', y: 'rate', fill: 'source', r: 4, title: function (d) { return d.run + '\n' + d.source + ': ' + d.rate.toFixed(2) + ' %'; } }),
            Plot.ruleY([0]),
          ],
        });
      });
    });
  }

  function renderNotes() {
    var notes = [];
    if (K && isObj(K.guests) && num(K.guests.orders)) notes.push('guest orders: ' + int(K.guests.orders) + ' (' + money(K.guests.revenue) + ' revenue), counted in revenue and orders, left out of ' + (Array.isArray(K.guests.left_out_of) ? K.guests.left_out_of.join(', ') : 'customer KPIs'));
    if (K && isObj(K.not_available)) Object.keys(K.not_available).forEach(function (k) { notes.push(k + ': not available (' + K.not_available[k] + ')'); });
    if (notes.length) app.append(h('section', { class: 'section notes' }, h('h2', null, 'Notes'), h('ul', null, notes.map(function (n) { return h('li', null, n); }))));
  }

  renderHeader();
  if (!Plot) {
    console.error('dashboard: the charting library did not load');
    app.append(h('div', { class: 'banner banner-failed' }, 'The charting library did not load: the figures are in kpis.json and quality_report.json.'));
  }
  if (status === 'FAILED') renderQuality();
  renderTiles();
  [renderSales, renderProducts, renderCustomers, renderStock, renderOperations].forEach(function (f) { guard(app, f.name, f); });
  if (status !== 'FAILED') renderQuality();
  renderNotes();
  var ms = performance.now();
  app.append(h('footer', null, 'etl dashboard · schema ' + D.schemaVersion + ' · ' + charts.length + ' charts · drawn in ' + Math.round(ms) + ' ms after the page started loading'));
  window.__etlDashboard = { renderMs: ms, clientMs: ms - startMs, charts: charts.slice(), errors: errors.slice() };
  document.documentElement.setAttribute('data-rendered', 'true');
})();
`;
