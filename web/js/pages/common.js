// common.js — what several pages share: choosing a period, naming a unit's status.

import { select, h } from '../dom.js';
import { date, today } from '../format.js';

// The period to open by default: the next one due, else the last one due.
export function defaultPeriod(ctx) {
  const now = today();
  const byDue = [...ctx.periods].sort((a, b) => a.effective_due.localeCompare(b.effective_due));
  const next = byDue.find((p) => p.effective_due >= now);
  return (next || byDue.at(-1)).code;
}

export function periodOf(ctx, code) {
  return ctx.periods.find((p) => p.code === code);
}

// A labelled select of every period in service; choosing one calls onChange(code).
export function periodSelect(ctx, value, onChange) {
  return select('Kỳ báo cáo', 'period', ctx.periods.map((p) => [p.code, `${p.label} (hạn ${date(p.effective_due)})`]),
    value, onChange);
}

// "Kỳ đã khoá sổ" banner for a closed period.
export function closedBanner(closed) {
  return closed
    ? h('p', { class: 'notice closed', role: 'status', id: 'closed-banner' },
      'Kỳ này đã khoá sổ: kết quả là hồ sơ, chỉ xem, không sửa được.')
    : null;
}

// A unit's report status in words: on time, late by N working days, missing.
export function statusText(u) {
  if (u.evaluation_failed) return 'Lỗi khi đánh giá';
  if (!u.submitted) {
    return u.working_days_late ? `Chưa nộp (quá hạn ${u.working_days_late} ngày làm việc)` : 'Chưa nộp';
  }
  return u.late ? `Nộp trễ ${u.working_days_late} ngày làm việc` : 'Nộp đúng hạn';
}

export function statusClass(u) {
  if (u.evaluation_failed) return 'st-failed';
  if (!u.submitted) return 'st-missing';
  return u.late ? 'st-late' : 'st-ok';
}

// Title codes → names, from the year's catalog.
export function titleNames(catalog, codes) {
  return (codes || []).map((c) => (catalog.titles.find((t) => t.code === c) || {}).name || c).join(', ');
}
