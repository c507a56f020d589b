// dashboard.js — the Office's view of a period: counts of units on time / late / missing,
// days to the next deadline, every unit's status, score and titles, a bar chart of the
// scores, and the unit tree (closed district offices greyed, with what they merged into).
// Read from the consolidated report's model (GET …/report?format=json) and GET /units.

import { api } from '../api.js';
import { h, notice, table } from '../dom.js';
import { barChart } from '../chart.js';
import { date, dateTime, daysBetween, number, today } from '../format.js';
import { closedBanner, periodOf, periodSelect, statusClass, statusText, titleNames } from './common.js';

function countCard(id, label, value) {
  return h('div', { class: 'count', id }, h('span', { class: 'n' }, String(value)), h('span', {}, label));
}

// The next deadline of every year in service (reports and registration), or the last one.
function nextDeadline(ctx) {
  const now = today();
  const deadlines = [];
  for (const c of Object.values(ctx.catalogs)) {
    for (const p of c.periods) deadlines.push([p.effective_due, 'Báo cáo ' + p.label]);
    if (c.campaign.registration_due) deadlines.push([c.campaign.registration_due, 'Đăng ký thi đua ' + c.campaign.year]);
  }
  deadlines.sort((a, b) => a[0].localeCompare(b[0]));
  const next = deadlines.find(([d]) => d >= now);
  if (next) {
    const days = daysBetween(now, next[0]);
    return h('p', { id: 'next-deadline' }, h('strong', {}, days === 0 ? 'Hôm nay' : `Còn ${days} ngày`),
      ` đến hạn ${next[1]} (${date(next[0])}).`);
  }
  const last = deadlines.at(-1);
  return h('p', { id: 'next-deadline' }, 'Không còn hạn nào sắp tới; hạn cuối cùng đã qua: ',
    `${last[1]} (${date(last[0])}).`);
}

function unitTree(units, period) {
  const children = (code) => units.filter((u) => u.parent_code === code);
  const name = (code) => (units.find((u) => u.code === code) || {}).name || code;
  const node = (u) => {
    const closed = u.valid_to && u.valid_to < period.to;
    const kids = children(u.code);
    return h('li', { class: closed ? 'closed-unit' : null, 'data-code': u.code },
      h('span', {}, `${u.name} (${u.code})`),
      closed ? h('span', { class: 'muted' }, ` — đã giải thể ngày ${date(u.valid_to)}` +
        (u.merged_into ? `, sáp nhập vào ${name(u.merged_into)}` : '')) : null,
      kids.length ? h('ul', {}, kids.map(node)) : null);
  };
  return h('ul', { class: 'tree' }, units.filter((u) => !u.parent_code).map(node));
}

export async function render(ctx, [code]) {
  const period = periodOf(ctx, code) || ctx.periods[0];
  const [report, units] = await Promise.all([
    api.get(`/api/v1/periods/${period.code}/report?format=json`),
    api.get('/api/v1/units'),
  ]);
  const catalog = ctx.catalogs[period.year];
  const t = report.totals;
  const rows = report.units.map((u) => h('tr', { 'data-code': u.code },
    h('th', { scope: 'row' }, h('a', { href: `#/don-vi/${u.code}/${period.code}` }, u.name)),
    h('td', { class: statusClass(u) }, statusText(u)),
    h('td', {}, dateTime(u.submitted_at)),
    h('td', { class: 'num' }, u.submitted ? number(u.score) : '—'),
    h('td', { class: 'num' }, u.submitted ? String(u.rank ?? '') : ''),
    h('td', {}, titleNames(catalog, u.titles))));
  const scored = report.units.filter((u) => u.submitted);
  return h('section', {},
    h('h1', {}, 'Tổng quan: ' + period.label),
    periodSelect(ctx, period.code, (c) => ctx.go('#/tong-quan/' + c)),
    closedBanner(report.closed),
    h('div', { class: 'counts', 'aria-label': 'Số đơn vị' },
      countCard('count-on-time', 'Đúng hạn', t.on_time),
      countCard('count-late', 'Trễ hạn', t.late),
      countCard('count-missing', 'Chưa nộp', t.missing),
      countCard('count-average', 'Điểm trung bình', t.average_score === null ? '—' : number(t.average_score))),
    h('p', {}, `Hạn nộp báo cáo: ${date(period.report_due)}`,
      period.effective_due !== period.report_due ? ` (trùng ngày nghỉ, tính đến hết ${date(period.effective_due)})` : '',
      `. ${t.expected} đơn vị phải báo cáo.`),
    nextDeadline(ctx),
    h('h2', {}, 'Các đơn vị'),
    table(null, ['Đơn vị', 'Trạng thái', 'Ngày nộp', 'Điểm', 'Hạng', 'Danh hiệu'], rows, { id: 'units' }),
    h('h2', {}, 'Điểm theo đơn vị'),
    scored.length
      ? barChart('Điểm của các đơn vị đã nộp báo cáo',
        [...scored].sort((a, b) => b.score - a.score).map((u) => ({ label: u.code, value: u.score, title: `${u.name}: ${u.score} điểm` })))
      : notice('info', 'Chưa đơn vị nào nộp báo cáo.'),
    h('h2', {}, 'Cơ cấu tổ chức'),
    unitTree(units.units, period));
}
