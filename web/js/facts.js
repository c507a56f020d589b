// facts.js — a form field for each fact the ruleset declares (label, type, range): a
// checkbox for a boolean, a number field with its bounds for an integer, a select for a
// rating (an optional boolean: a select, so "not given" stays apart from "no"); reading the fields back into facts; showing a 422's problems beside their fields.

import { h } from './dom.js';

// Words for the codes the 2025 ratings and discipline use; another code shows as itself.
const VALUE_NAMES = {
  HTXS: 'Hoàn thành xuất sắc nhiệm vụ (HTXS)', HTT: 'Hoàn thành tốt nhiệm vụ (HTT)',
  HT: 'Hoàn thành nhiệm vụ (HT)', KHT: 'Không hoàn thành nhiệm vụ (KHT)',
  none: 'Không bị kỷ luật', khien_trach: 'Khiển trách', canh_cao: 'Cảnh cáo', ha_bac: 'Hạ bậc lương',
  cach_chuc: 'Cách chức', buoc_thoi_viec: 'Buộc thôi việc',
};

export function valueName(v) {
  return VALUE_NAMES[v] || v;
}

// The input of one fact, id `${prefix}${fact.name}`, showing `value`; label given apart.
export function factInput(fact, value, prefix, attrs = {}) {
  const id = prefix + fact.name;
  const common = { id, name: fact.name, 'data-fact': fact.name, 'aria-describedby': 'err-' + id, ...attrs };
  if (fact.type === 'boolean' && !fact.optional) {
    return h('input', { ...common, type: 'checkbox', checked: value === true });
  }
  if (fact.type === 'boolean') { // optional: "not given" stays apart from "no"
    return h('select', { ...common, 'data-type': 'boolean' },
      [['', '— không khai —'], ['true', 'Có'], ['false', 'Không']].map(([v, text]) =>
        h('option', { value: v, selected: String(value ?? '') === v }, text)));
  }
  if (fact.type === 'enum') {
    return h('select', common,
      h('option', { value: '', selected: value === undefined }, '— chọn —'),
      (fact.values || []).map((v) => h('option', { value: v, selected: v === value }, valueName(v))));
  }
  return h('input', { ...common, type: 'number', inputmode: 'numeric', step: fact.type === 'integer' ? 1 : 'any',
    min: fact.min ?? false, max: fact.max ?? false, value: value ?? '' });
}

// The hint under a field: its bounds, and whether it may be left empty.
export function factHint(fact) {
  const parts = [];
  if (fact.min !== null && fact.max !== null) parts.push(`từ ${fact.min} đến ${fact.max}`);
  if (fact.optional) parts.push('có thể để trống');
  return parts.join('; ');
}

// The facts the fields of `root` hold: a checkbox true/false, a number as a number (an
// empty one is left out: not given), a select's value (none: left out).
export function readFacts(root) {
  const facts = {};
  for (const el of root.querySelectorAll('[data-fact]')) {
    const name = el.dataset.fact;
    if (el.type === 'checkbox') facts[name] = el.checked;
    else if (el.value === '') continue;
    else if (el.type === 'number') facts[name] = Number(el.value);
    else if (el.dataset.type === 'boolean') facts[name] = el.value === 'true';
    else facts[name] = el.value;
  }
  return facts;
}

// Clears the problems shown in root, then shows each {field: "facts.X", message} beside
// field X (marked aria-invalid); returns the problems no field of root holds.
export function showProblems(root, prefix, details) {
  for (const el of root.querySelectorAll('.field-error')) el.textContent = '';
  for (const el of root.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  const rest = [];
  for (const d of details || []) {
    const name = String(d.field || '').replace(/^facts\./, '');
    const input = root.querySelector('#' + CSS.escape(prefix + name));
    const slot = root.querySelector('#' + CSS.escape('err-' + prefix + name));
    if (input && slot) {
      input.setAttribute('aria-invalid', 'true');
      slot.textContent = (slot.textContent ? slot.textContent + ' ' : '') + d.message;
    } else {
      rest.push(d);
    }
  }
  const first = root.querySelector('[aria-invalid]');
  if (first) first.focus();
  return rest;
}
