// evaluation.js — an evaluation in words: score, each criterion with its points and the
// reason it was not met, titles and nominations with why or why not.

import { h, table } from './dom.js';

export function evaluationView(ev) {
  if (ev.status === 'failed') {
    return h('div', { class: 'evaluation', id: 'evaluation' },
      h('p', { class: 'notice error', role: 'alert' },
        'Đã lưu báo cáo, nhưng quy tắc bị lỗi khi đánh giá: ' + (ev.error || ev.message || '')));
  }
  const criteria = (ev.criteria || []).map((c) => [
    c.id, c.title, `${c.points}/${c.max_points}`,
    !c.applicable ? 'Không áp dụng' : c.passed ? 'Đạt' : 'Chưa đạt',
    c.reason || '']);
  const awards = [...(ev.titles || []), ...(ev.nominations || [])].map((t) => [
    t.name, t.decided_by || '', t.eligible ? 'Đủ điều kiện' : 'Chưa đủ điều kiện', (t.reasons || []).join('; ')]);
  return h('div', { class: 'evaluation', id: 'evaluation' },
    h('p', { class: 'score' }, 'Điểm: ', h('strong', { id: 'score' }, String(ev.score))),
    table('Tiêu chí', ['Mã', 'Tiêu chí', 'Điểm', 'Kết quả', 'Lý do'], criteria, { class: 'criteria' }),
    awards.length ? table('Danh hiệu và khen thưởng', ['Danh hiệu', 'Thẩm quyền', 'Kết quả', 'Lý do'], awards) : null);
}
