// rules.js — the rules in service: each year's hash and when it was loaded, each criterion
// and title with its Vietnamese text and points, and the problems of the last refused
// reload (so an administrator who edited a file sees at once whether it took); an
// administrator can reload from here.

import { api, ApiError } from '../api.js';
import { h, notice, select, table } from '../dom.js';
import { dateTime } from '../format.js';

export async function render(ctx, [year]) {
  const rules = await api.get('/api/v1/rules' + (year ? '?year=' + encodeURIComponent(year) : ''));
  const shown = rules.campaign.year;
  const status = h('div', { 'aria-live': 'polite' });
  const reload = ctx.me.scope === 'admin'
    ? h('button', { type: 'button', id: 'reload', onclick: async (e) => {
      e.target.disabled = true;
      status.replaceChildren(notice('info', 'Đang nạp lại…'));
      try {
        const answer = await api.post('/api/v1/admin/reload');
        status.replaceChildren(notice('ok', `Đã nạp: ${answer.body.rules_hash.slice(0, 12)}…, tính lại ${answer.body.recomputed} kết quả.`));
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        status.replaceChildren(notice('error', err.message),
          h('ul', {}, err.details.map((d) => h('li', { class: 'mono' }, d.message))));
      } finally {
        e.target.disabled = false;
      }
    } }, 'Nạp lại bộ quy tắc')
    : null;
  const refused = rules.last_refused;
  return h('section', {},
    h('h1', {}, 'Bộ quy tắc năm ' + shown),
    select('Năm', 'year', rules.years.map((y) => [String(y.year), String(y.year)]), String(shown),
      (y) => ctx.go('#/quy-tac/' + y)),
    table('Các năm đang áp dụng', ['Năm', 'Mã băm (hash)', 'Nạp lúc', 'Tóm tắt'],
      rules.years.map((y) => [String(y.year), h('code', { class: 'hash' }, y.rules_hash), dateTime(y.loaded_at), y.summary]),
      { id: 'years' }),
    refused
      ? h('div', { id: 'last-refused', class: 'notice error', role: 'alert' },
        h('p', {}, `Lần nạp lại lúc ${dateTime(refused.at)} bị từ chối; bộ quy tắc cũ vẫn đang áp dụng:`),
        h('ul', {}, refused.problems.map((p) => h('li', { class: 'mono' }, p))))
      : h('p', { id: 'last-refused', class: 'notice ok' }, 'Không lần nạp lại nào bị từ chối kể từ khi bộ quy tắc đang áp dụng được nạp.'),
    reload, status,
    table('Tiêu chí', ['Mã', 'Áp dụng cho', 'Nội dung', 'Điểm'],
      rules.criteria.map((c) => [c.id, c.subject === 'unit' ? 'Tập thể' : 'Cá nhân', c.title, String(c.points)]),
      { id: 'criteria' }),
    table('Danh hiệu', ['Mã', 'Tên', 'Áp dụng cho', 'Thẩm quyền', 'Cần đạt'],
      rules.titles.map((t) => [t.code, t.name, t.subject === 'unit' ? 'Tập thể' : 'Cá nhân', t.decided_by || '',
        (t.requires || []).join(', ')]), { id: 'titles' }),
    (rules.nominations || []).length
      ? table('Hình thức khen thưởng', ['Mã', 'Tên', 'Thẩm quyền'],
        rules.nominations.map((n) => [n.code, n.name, n.decided_by || '']))
      : null);
}
