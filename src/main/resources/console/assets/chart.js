// chart.js: records by outcome over time, drawn with uPlot (served by the service from its webjar,
// /console/lib/uplot/). Stacked areas or plain lines; updated in place on refresh (no redraw flicker).

export const OUTCOMES = [
  { key: 'updated', color: '#2e7d32', fill: 'rgba(46,125,50,0.55)' },
  { key: 'unchanged', color: '#607d8b', fill: 'rgba(96,125,139,0.45)' },
  { key: 'rejected', color: '#e65100', fill: 'rgba(230,81,0,0.55)' },
  { key: 'failed', color: '#c62828', fill: 'rgba(198,40,40,0.65)' },
];

/** [[x seconds…], [updated…], [unchanged…], [rejected…], [failed…]] from the API's buckets. */
export function columns(buckets) {
  const xs = buckets.map((b) => Math.floor(Date.parse(b.start) / 1000));
  return [xs, ...OUTCOMES.map((o) => buckets.map((b) => Number(b[o.key]) || 0))];
}

/** Each series the sum of itself and those below it; hidden series are left out of the sums. */
function stackColumns(raw, shown) {
  const acc = new Array(raw[0].length).fill(0);
  const out = [raw[0]];
  for (let i = 1; i < raw.length; i++) {
    out.push(shown(i) ? raw[i].map((v, j) => (acc[j] += v)) : raw[i].slice());
  }
  return out;
}

function stackBands(raw, shown) {
  const bands = [];
  for (let i = 2; i < raw.length; i++) {
    if (!shown(i)) continue;
    let lower = i - 1;
    while (lower > 0 && !shown(lower)) lower--;
    if (lower > 0) bands.push({ series: [i, lower], fill: OUTCOMES[i - 1].fill });
  }
  return bands;
}

/**
 * Creates the chart in container. Returns {update(buckets, mode, bucketSeconds), destroy()}.
 * mode: 'stacked' | 'lines'.
 */
export function outcomesChart(container) {
  const uPlot = window.uPlot;
  let plot = null;
  let plotMode = null;
  let raw = null;
  let rangeLabel = 'range';

  const size = () => ({ width: Math.max(280, container.clientWidth || 600), height: 240 });
  const observer = typeof ResizeObserver === 'function'
    ? new ResizeObserver(() => { if (plot) plot.setSize(size()); })
    : null;
  observer?.observe(container);

  function options(mode, bucketSeconds) {
    const stacked = mode === 'stacked';
    // Off the chart, the legend shows each outcome's total over the range.
    const legendValue = (u, v, si, idx) => {
      if (!raw) return '—';
      if (idx == null) return raw[si].reduce((a, b) => a + b, 0).toLocaleString();
      return raw[si][idx].toLocaleString();
    };
    return {
      ...size(),
      cursor: { points: { size: 6 } },
      legend: { live: true },
      scales: {
        x: { time: true },
        y: { range: (u, min, max) => [0, max > 0 ? Math.ceil(max * 1.1) : 1] },
      },
      axes: [
        { stroke: '#555', grid: { stroke: '#eee' }, ticks: { stroke: '#ccc' } },
        {
          stroke: '#555', grid: { stroke: '#eee' }, ticks: { stroke: '#ccc' }, size: 56,
          values: (u, splits) => splits.map((v) => (Number.isInteger(v) ? v.toLocaleString() : '')),
        },
      ],
      series: [
        { label: 'Time', value: (u, ts) => (ts == null ? `whole ${rangeLabel}` : new Date(ts * 1000).toLocaleString()) },
        ...OUTCOMES.map((o, i) => ({
          label: o.key,
          stroke: o.color,
          width: stacked ? 1 : 2,
          fill: stacked && i === 0 ? o.fill : undefined,
          value: legendValue,
          points: { show: bucketSeconds >= 3600 && !stacked },
        })),
      ],
      bands: stacked ? stackBands([0, 1, 2, 3, 4], () => true) : [],
      hooks: stacked ? {
        setSeries: [(u) => restack(u)],
      } : {},
    };
  }

  function restack(u) {
    const shown = (i) => u.series[i].show;
    u.delBand(null);
    stackBands(raw, shown).forEach((band) => u.addBand(band));
    u.setData(stackColumns(raw, shown));
  }

  function update(buckets, mode, bucketSeconds, range) {
    raw = columns(buckets);
    rangeLabel = { hour: 'hour', day: 'day', week: 'week' }[range] || 'range';
    if (!uPlot) return false;
    const key = `${mode}/${bucketSeconds}`;
    if (!plot || plotMode !== key) {
      plot?.destroy();
      container.replaceChildren();
      plot = new uPlot(options(mode, bucketSeconds), mode === 'stacked' ? stackColumns(raw, () => true) : raw, container);
      plotMode = key;
    } else if (mode === 'stacked') {
      plot.setData(stackColumns(raw, (i) => plot.series[i].show));
    } else {
      plot.setData(raw);
    }
    return true;
  }

  function destroy() {
    observer?.disconnect();
    plot?.destroy();
    plot = null;
  }

  return { update, destroy };
}
