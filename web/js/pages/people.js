// people.js — the unit's members in a period, one row per person, their facts editable in
// place (PUT …/people/{code}/facts), a row's problems shown in that row.

import { api, ApiError } from '../api.js';
import { h, notice } from '../dom.js';
import { factInput, readFacts, showProblems } from '../facts.js';

function row(catalog, period, person, latest, writable) {
  const facts = catalog.facts.filter((f) => f.subject === 'person');
  const prefix = `p-${person.code}-`;
  const message = h('td', { class: 'row-message', 'aria-live': 'polite' });
  const tr = h('tr', { 'data-person': person.code });
  const save = h('button', { type: 'button', disabled: !writable, onclick: async () => {
    save.disabled = true;
    try {
      const answer = await api.put(`/api/v1/periods/${period.code}/people/${person.code}/facts`,
        { facts: readFacts(tr) });
      showProblems(tr, prefix, []);
      const ev = answer.body.evaluation || {};
      message.replaceChildren(notice(answer.status === 200 ? 'ok' : 'error', answer.status === 200
        ? `Đã lưu (phiên bản ${answer.body.version}); ${ev.score} điểm` : 'Đã lưu; quy tắc lỗi khi đánh giá'));
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      const rest = err.status === 422 ? showProblems(tr, prefix, err.details) : [];
      message.replaceChildren(notice('error', err.status === 422 ? 'Chưa lưu: xem các ô được đánh dấu.' : err.message),
        ...rest.map((d) => h('div', {}, d.message)));
    } finally {
      save.disabled = !writable;
    }
  } }, 'Lưu');
  tr.append(h('th', { scope: 'row' }, person.full_name, h('br'), h('small', {}, `${person.code} · ${person.position || ''}`)));
  for (const f of facts) {
    const label = `${f.label} – ${person.full_name}`;
    tr.append(h('td', { 'data-label': f.label }, factInput(f, latest.facts[f.name], prefix, { 'aria-label': label, disabled: !writable }),
      h('span', { class: 'field-error', id: 'err-' + prefix + f.name })));
  }
  tr.append(h('td', {}, save), message);
  return tr;
}

// people: the unit's members in the period (GET /people?unit=&period=).
export async function peopleSection({ catalog, period, people, writable }) {
  if (!people.length) return notice('info', 'Đơn vị không có cá nhân nào trong kỳ này.');
  const latest = await Promise.all(people.map((p) =>
    api.get(`/api/v1/periods/${period.code}/people/${p.code}/facts`)));
  const facts = catalog.facts.filter((f) => f.subject === 'person');
  return h('div', { class: 'table-wrap' }, h('table', { id: 'people', class: 'people' },
    h('caption', {}, `Cá nhân thuộc đơn vị trong kỳ (${people.length} người)`),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Họ và tên'),
      facts.map((f) => h('th', { scope: 'col' }, f.label)), h('th', { scope: 'col' }, ''), h('th', { scope: 'col' }, ''))),
    h('tbody', {}, people.map((p, i) => row(catalog, period, p, latest[i], writable)))));
}
