// format.js — how the console writes dates and numbers: dd/mm/yyyy, local time
// Asia/Ho_Chi_Minh, Vietnamese digits grouping.

export const TIME_ZONE = 'Asia/Ho_Chi_Minh';

// "2025-06-16" (or an ISO moment) → "16/06/2025"; "" for nothing.
export function date(iso) {
  if (!iso) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : iso;
}

// "2025-06-14T08:00:00+07:00" → "14/06/2025 08:00" (the moment's own wall clock, which the
// daemon writes in local time).
export function dateTime(iso) {
  if (!iso) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})/.exec(iso);
  return m ? `${m[3]}/${m[2]}/${m[1]} ${m[4]}:${m[5]}` : date(iso);
}

// Today in local time, "YYYY-MM-DD".
export function today() {
  return new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE }).format(new Date());
}

// Whole days from `from` to `to` (both "YYYY-MM-DD").
export function daysBetween(from, to) {
  return Math.round((Date.parse(to + 'T00:00:00Z') - Date.parse(from + 'T00:00:00Z')) / 86400000);
}

export function number(n) {
  return n === null || n === undefined ? '—' : new Intl.NumberFormat('vi-VN').format(n);
}
