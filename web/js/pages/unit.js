// unit.js — a unit's page for a period: its status, the report form (generated from the
// declared facts, pre-filled with the latest version), the evaluation, its people's facts
// row by row, the registration of targets, and the history of versions (who, when). A
// closed period, or a token that may not write this unit, shows everything read-only; each
// part the token may not read says so in its place.

import { api, ApiError } from '../api.js';
import { h, notice, select, table } from '../dom.js';
import { dateTime } from '../format.js';
import { closedBanner, periodOf, periodSelect } from './common.js';
import { reportForm } from './report_form.js';
import { peopleSection } from './people.js';
import { registrationSection } from './registration.js';

// A part of the page that loads on its own: its error (403, 409…) shows in its place.
async function part(title, id, build) {
  let body;
  try {
    body = await build();
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    body = notice('error', e.message);
  }
  return h('section', { id, 'aria-labelledby': id + '-h' }, h('h2', { id: id + '-h' }, title), body);
}

function reportState(u) {
  if (u.evaluation_failed) return 'đã nộp; quy tắc lỗi khi đánh giá';
  if (!u.submitted) return u.late ? 'chưa nộp, đã quá hạn' : 'chưa nộp';
  return u.late ? 'đã nộp, sau hạn' : 'đã nộp đúng hạn';
}

function history(latest) {
  if (!latest.versions.length) return notice('info', 'Chưa có phiên bản nào.');
  return table(null, ['Phiên bản', 'Thời điểm gửi', 'Người gửi', 'Ghi chú'],
    [...latest.versions].reverse().map((v) => [String(v.version), dateTime(v.submitted_at), v.submitted_by,
      v.note === 'import' ? '(nhập từ tệp)' : v.note]), { id: 'versions' });
}

export async function render(ctx, [unitCode, periodCode]) {
  const period = periodOf(ctx, periodCode) || periodOf(ctx, ctx.periods[0].code);
  const catalog = ctx.catalogs[period.year];
  const code = unitCode || ctx.me.unit;
  const [units, status] = await Promise.all([api.get('/api/v1/units'), api.get(`/api/v1/periods/${period.code}/status`)]);
  const unit = units.units.find((u) => u.code === code);
  if (!unit) return h('section', {}, h('h1', {}, 'Không có đơn vị ' + code));
  const mine = status.units.find((u) => u.code === code);
  const mayWrite = ctx.me.scope === 'admin' || (ctx.me.scope === 'unit' && ctx.me.unit === code);
  const writable = mayWrite && !status.closed && !!mine;
  const go = (u, p) => ctx.go(`#/don-vi/${u}/${p}`);

  let latest = null;
  let members = [];
  const historyBody = h('div', {});
  const reloadHistory = async () => {
    const fresh = await api.get(`/api/v1/periods/${period.code}/units/${code}/report`);
    historyBody.replaceChildren(history(fresh));
  };
  const report = await part('Báo cáo của đơn vị', 'report', async () => {
    latest = await api.get(`/api/v1/periods/${period.code}/units/${code}/report`);
    let evaluation = null;
    try {
      evaluation = latest.version ? await api.get(`/api/v1/periods/${period.code}/units/${code}/evaluation`) : null;
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      evaluation = e.body && e.body.evaluation ? e.body.evaluation : null;
    }
    return reportForm({ catalog, period, unit: code, latest, evaluation, writable,
      onSaved: reloadHistory });
  });
  if (latest) historyBody.append(history(latest));
  const people = await part('Cá nhân', 'people-section', async () => {
    const list = await api.get(`/api/v1/people?unit=${encodeURIComponent(code)}&period=${period.code}`);
    members = list.people;
    return peopleSection({ catalog, period, people: members, writable });
  });
  const registration = members.length || mayWrite
    ? await part('Đăng ký thi đua', 'registration', () =>
      registrationSection({ catalog, unit: code, people: members, writable: mayWrite && !status.closed }))
    : null;

  return h('section', {},
    h('h1', {}, `${unit.name} – ${period.label}`),
    h('div', { class: 'pickers' },
      ctx.office ? select('Đơn vị', 'unit', units.units.map((u) => [u.code, `${u.name} (${u.code})`]), code, (u) => go(u, period.code)) : null,
      periodSelect(ctx, period.code, (p) => go(code, p))),
    closedBanner(status.closed),
    mine
      ? h('p', { id: 'unit-status' }, 'Trạng thái: ', h('strong', {}, reportState(mine)),
        mine.submitted_at ? ` — lần đầu ${dateTime(mine.submitted_at)}, ${mine.versions} phiên bản` : '')
      : notice('info', 'Đơn vị không phải báo cáo kỳ này (chưa thành lập hoặc đã giải thể).'),
    !mayWrite ? notice('info', 'Mã truy cập này chỉ được xem trang của đơn vị, không được sửa.') : null,
    report, people, registration,
    h('section', { id: 'history' }, h('h2', {}, 'Lịch sử phiên bản'), historyBody));
}
