// nominations.js — the nomination files of a period (GET …/nominations) by who decides,
// with the prize of each list, and the consolidated report in one click: print this page,
// or download it as xlsx or CSV (GET …/report?format=; the Office's tokens only: the
// annex names people).

import { api, download } from '../api.js';
import { h, notice, table } from '../dom.js';
import { number } from '../format.js';
import { closedBanner, periodOf, periodSelect } from './common.js';

function list(l) {
  const rows = l.entries.map((e) => [e.name, e.code, e.unit_code || '', e.registered ? 'Có' : 'Không',
    e.prize ? number(e.prize) + ' đ' : '']);
  const notQualified = l.registered_not_qualified || [];
  return h('section', { class: 'nomination-list' },
    h('h3', {}, `${l.name} — ${l.decided_by} (${l.count ?? l.entries.length})`),
    (l.prizes || []).map((p) => h('p', { class: 'muted' },
      `Mức thưởng: ${number(p.multiple)} lần mức lương cơ sở = ${number(p.amount)} đ (${p.source}).`)),
    rows.length ? table(null, ['Tên', 'Mã', 'Đơn vị', 'Đã đăng ký', 'Tiền thưởng'], rows) : notice('info', 'Không có ai.'),
    l.total_prize ? h('p', {}, `Tổng tiền thưởng của danh sách: ${number(l.total_prize)} đ`) : null,
    notQualified.length ? h('details', {}, h('summary', {}, `Đăng ký nhưng chưa đủ điều kiện (${notQualified.length})`),
      h('ul', {}, notQualified.map((e) => h('li', {}, `${e.name}: ${(e.reasons || []).join('; ')}`)))) : null);
}

export async function render(ctx, [code]) {
  const period = periodOf(ctx, code) || ctx.periods[0];
  const [files, status] = await Promise.all([
    api.get(`/api/v1/periods/${period.code}/nominations`),
    api.get(`/api/v1/periods/${period.code}/status`)]);
  const base = `/api/v1/periods/${period.code}/report?format=`;
  const message = h('div', { 'aria-live': 'polite' });
  const get = (format) => async () => {
    try {
      await download(base + format, `bao-cao-${period.code}.${format}`);
    } catch (e) {
      message.replaceChildren(notice('error', e.message));
    }
  };
  return h('section', {},
    h('h1', {}, 'Khen thưởng: ' + period.label),
    periodSelect(ctx, period.code, (c) => ctx.go('#/khen-thuong/' + c)),
    closedBanner(status.closed),
    h('div', { class: 'actions no-print' },
      h('button', { type: 'button', onclick: () => window.print() }, 'In'),
      ctx.office ? h('button', { type: 'button', id: 'download-xlsx', onclick: get('xlsx') }, 'Tải báo cáo tổng hợp (xlsx)') : null,
      ctx.office ? h('button', { type: 'button', id: 'download-csv', onclick: get('csv') }, 'Tải báo cáo tổng hợp (CSV)') : null),
    message,
    files.total_prize ? h('p', { id: 'total-prize' }, `Tổng tiền thưởng: ${number(files.total_prize)} đ`) : null,
    (files.groups || []).length ? h('ul', {}, files.groups.map((g) =>
      h('li', {}, `${g.decided_by}: ${g.count} tên, ${number(g.total_prize)} đ`))) : null,
    (files.lists || []).length ? files.lists.map(list) : notice('info', 'Chưa có danh sách nào.'));
}
