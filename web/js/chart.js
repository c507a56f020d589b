// chart.js — a horizontal bar chart as SVG (one bar per unit, its score), drawn with the
// DOM: no library, no inline script or style, readable on a phone (it scales to the width).

const SVG = 'http://www.w3.org/2000/svg';
const ROW = 22;
const LABEL = 150;
const WIDTH = 520;

function svg(tag, attrs, text) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  if (text !== undefined) el.textContent = text;
  return el;
}

// bars: [{label, value, title}], max: the scale's end (100 points).
export function barChart(title, bars, max = 100) {
  const height = bars.length * ROW + 24;
  const root = svg('svg', {
    viewBox: `0 0 ${WIDTH} ${height}`, class: 'chart', role: 'img', 'aria-label': title,
  });
  root.append(svg('title', {}, title));
  const span = WIDTH - LABEL - 40;
  bars.forEach((b, i) => {
    const y = i * ROW + 4;
    const w = Math.max(0, Math.min(1, (b.value || 0) / max)) * span;
    const g = svg('g', { class: 'bar' });
    g.append(svg('title', {}, b.title || `${b.label}: ${b.value}`));
    g.append(svg('text', { x: LABEL - 6, y: y + 14, 'text-anchor': 'end', class: 'label' },
      b.label));
    g.append(svg('rect', { x: LABEL, y, width: w.toFixed(1), height: ROW - 6, rx: 2 }));
    g.append(svg('text', { x: LABEL + w + 4, y: y + 14, class: 'value' }, String(b.value ?? 0)));
    root.append(g);
  });
  const axisY = bars.length * ROW + 6;
  root.append(svg('line', { x1: LABEL, y1: axisY, x2: LABEL + span, y2: axisY, class: 'axis' }));
  for (const t of [0, max / 2, max]) {
    root.append(svg('text', { x: LABEL + (t / max) * span, y: axisY + 14, 'text-anchor': 'middle',
      class: 'tick' }, String(t)));
  }
  return root;
}
