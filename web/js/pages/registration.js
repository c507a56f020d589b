// registration.js — a unit's registration of targets for a campaign year (đăng ký thi
// đua): the titles it registers for itself and for each of its people, read with GET and
// replaced with PUT …/registration; a registration after the deadline is stored and marked
// late.

import { api, ApiError } from '../api.js';
import { h, notice } from '../dom.js';
import { date, dateTime } from '../format.js';

function box(id, title, checked, writable, label) {
  return h('label', { class: 'check', for: id },
    h('input', { type: 'checkbox', id, value: title.code, checked, disabled: !writable, 'aria-label': label }), ' ', title.name);
}

export async function registrationSection({ catalog, unit, people, writable }) {
  const year = catalog.campaign.year;
  const path = `/api/v1/campaigns/${year}/units/${unit}/registration`;
  let current = null;
  try {
    current = await api.get(path);
  } catch (e) {
    if (!(e instanceof ApiError) || e.code !== 'not_registered') throw e;
  }
  const reg = (current && current.registration) || { titles: [], people: {} };
  const unitTitles = catalog.titles.filter((t) => t.subject === 'unit');
  const personTitles = catalog.titles.filter((t) => t.subject === 'person');
  const status = h('div', { 'aria-live': 'polite' });
  const form = h('form', { id: 'registration-form', method: 'post', onsubmit: async (e) => {
    e.preventDefault();
    const titles = [...form.querySelectorAll('input[data-unit]:checked')].map((i) => i.value);
    const byPerson = {};
    for (const p of people) {
      const t = [...form.querySelectorAll(`input[data-person="${p.code}"]:checked`)].map((i) => i.value);
      if (t.length) byPerson[p.code] = t;
    }
    try {
      const answer = await api.put(path, { titles, people: byPerson });
      status.replaceChildren(notice('ok', `Đã lưu đăng ký (phiên bản ${answer.body.version})` +
        (answer.body.late ? ', sau hạn.' : '.')));
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      status.replaceChildren(notice('error', err.message),
        h('ul', {}, err.details.map((d) => h('li', {}, `${d.field}: ${d.message}`))));
    }
  } },
  h('fieldset', { disabled: !writable },
    h('legend', {}, `Đăng ký thi đua năm ${year}`),
    h('p', {}, `Hạn đăng ký: ${date(catalog.campaign.registration_due)}. `,
      current ? `Đã đăng ký lúc ${dateTime(current.registered_at)}${current.late ? ' (sau hạn)' : ''}.` : 'Đơn vị chưa đăng ký.'),
    h('div', { class: 'checks' }, h('strong', {}, 'Tập thể: '),
      unitTitles.map((t) => {
        const el = box(`reg-unit-${t.code}`, t, reg.titles.includes(t.code), writable, `${t.name} – tập thể`);
        el.querySelector('input').dataset.unit = '1';
        return el;
      })),
    h('div', { class: 'table-wrap' }, h('table', {},
      h('caption', {}, 'Cá nhân đăng ký'),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Họ và tên'), personTitles.map((t) => h('th', { scope: 'col' }, t.name)))),
      h('tbody', {}, people.map((p) => h('tr', {}, h('th', { scope: 'row' }, p.full_name),
        personTitles.map((t) => {
          const id = `reg-${p.code}-${t.code}`;
          return h('td', {}, h('input', { type: 'checkbox', id, value: t.code, 'data-person': p.code,
            checked: (reg.people[p.code] || []).includes(t.code), 'aria-label': `${t.name} – ${p.full_name}` }));
        })))))),
    h('button', { type: 'submit' }, 'Lưu đăng ký')),
  status);
  return form;
}
