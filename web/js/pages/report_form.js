// report_form.js — a unit's report for a period: the form generated from the facts the
// ruleset declares for a unit, pre-filled with the latest version; on submit (PUT …/report)
// the 422's problems beside their fields, or the evaluation with each criterion's reason.

import { api, ApiError } from '../api.js';
import { h, notice } from '../dom.js';
import { evaluationView } from '../evaluation.js';
import { factHint, factInput, readFacts, showProblems } from '../facts.js';

const PREFIX = 'fact-';

function field(fact, value) {
  const input = factInput(fact, value, PREFIX);
  const hint = factHint(fact);
  const label = h('label', { for: PREFIX + fact.name }, fact.label);
  return h('div', { class: 'field ' + (fact.optional ? 'optional ' : '') + fact.type },
    fact.type === 'boolean' && !fact.optional ? [input, ' ', label] : [label, input],
    hint ? h('small', {}, hint) : null,
    h('span', { class: 'field-error', id: 'err-' + PREFIX + fact.name, 'aria-live': 'polite' }));
}

// latest: GET …/report's answer; evaluation: the stored one or null; writable: false for a
// closed period or a token that cannot write; onSaved: called after a new version.
export function reportForm({ catalog, period, unit, latest, evaluation, writable, onSaved }) {
  const facts = catalog.facts.filter((f) => f.subject === 'unit');
  const note = h('textarea', { id: 'note', name: 'note', rows: 4 }, latest.note === 'import' ? '' : latest.note || '');
  const result = h('div', { id: 'report-result', 'aria-live': 'polite' },
    evaluation ? evaluationView(evaluation) : null);
  const general = h('div', { id: 'report-problems' });
  const submit = h('button', { type: 'submit' }, 'Gửi báo cáo');
  const fieldset = h('fieldset', { disabled: !writable },
    h('legend', {}, `Báo cáo ${period.label}`),
    facts.map((f) => field(f, latest.facts[f.name])),
    h('div', { class: 'field' }, h('label', { for: 'note' }, 'Ghi chú, báo cáo tóm tắt'), note,
      h('span', { class: 'field-error', id: 'err-note' })),
    submit);
  const form = h('form', { id: 'report-form', novalidate: true, method: 'post', onsubmit: async (e) => {
    e.preventDefault();
    submit.disabled = true;
    general.replaceChildren();
    try {
      const answer = await api.put(`/api/v1/periods/${period.code}/units/${unit}/report`,
        { facts: readFacts(form), note: note.value });
      showProblems(form, PREFIX, []);
      const ev = answer.body.evaluation;
      general.replaceChildren(notice(answer.status === 200 ? 'ok' : 'error',
        `Đã lưu phiên bản ${answer.body.version}` + (answer.body.late ? ' (nộp sau hạn).' : '.')));
      result.replaceChildren(evaluationView(ev));
      if (onSaved) onSaved(answer.body);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      const rest = err.status === 422 ? showProblems(form, PREFIX, err.details) : [];
      general.replaceChildren(notice('error', err.status === 422
        ? 'Báo cáo chưa được lưu: có trường chưa đúng (xem bên cạnh từng trường).' : err.message),
      rest.length ? h('ul', {}, rest.map((d) => h('li', {}, `${d.field}: ${d.message}`))) : null);
    } finally {
      submit.disabled = false;
    }
  } }, fieldset, general);
  return h('div', {}, form, h('h3', {}, 'Kết quả đánh giá'), result);
}
