// outbox.js — the notifications: what was sent to whom on which channel, what failed and
// why, with "Gửi lại" for an administrator (POST /outbox/{id}/retry); and the reminders the
// schedule would send at a moment (GET /reminders?at=, `remind --dry-run` as a page).

import { api, ApiError } from '../api.js';
import { h, notice, table } from '../dom.js';
import { dateTime } from '../format.js';

const STATUS = { queued: 'Chờ gửi', sending: 'Đang gửi', sent: 'Đã gửi', failed: 'Lỗi', cancelled: 'Đã huỷ' };

function outboxRows(ctx, messages, refresh) {
  return messages.map((m) => {
    const action = ctx.me.scope === 'admin' && (m.status === 'failed' || m.status === 'cancelled')
      ? h('button', { type: 'button', class: 'retry', onclick: async (e) => {
        e.target.disabled = true;
        try {
          await api.post(`/api/v1/outbox/${m.id}/retry`);
          await refresh();
        } catch (err) {
          if (!(err instanceof ApiError)) throw err;
          e.target.after(notice('error', err.message));
        }
      } }, 'Gửi lại')
      : '';
    return h('tr', { 'data-id': String(m.id), 'data-status': m.status },
      h('td', {}, dateTime(m.sent_at || m.send_at)), h('td', {}, m.unit), h('td', {}, m.channel),
      h('td', {}, m.recipient), h('td', { class: 'st-' + m.status }, STATUS[m.status] || m.status),
      h('td', {}, m.last_error || ''), h('td', {}, String(m.attempts ?? '')), h('td', {}, action));
  });
}

function localMoment() {
  const now = new Date(Date.now() + 7 * 3600 * 1000); // Asia/Ho_Chi_Minh has no summer time
  return now.toISOString().slice(0, 16);
}

export async function render(ctx) {
  const box = h('div', { id: 'outbox' });
  const refresh = async () => {
    const { messages } = await api.get('/api/v1/outbox');
    box.replaceChildren(messages.length
      ? table(null, ['Thời điểm', 'Đơn vị', 'Kênh', 'Người nhận', 'Trạng thái', 'Lỗi', 'Số lần', ''],
        outboxRows(ctx, messages, refresh), { id: 'outbox-table' })
      : notice('info', 'Hộp thư trống.'));
  };
  await refresh();
  const at = h('input', { type: 'datetime-local', id: 'remind-at', value: localMoment() });
  const plan = h('div', { id: 'reminders', 'aria-live': 'polite' });
  const show = async () => {
    try {
      const { messages } = await api.get('/api/v1/reminders?at=' + encodeURIComponent(at.value.slice(0, 16)));
      plan.replaceChildren(messages.length
        ? table(null, ['Gửi lúc', 'Đơn vị', 'Kênh', 'Gửi đến', 'Bước', 'Nội dung'],
          messages.map((m) => [dateTime(m.send_at), m.unit, m.channel, m.to || m.recipient, m.step, m.text]))
        : notice('info', 'Không có lời nhắc nào vào thời điểm này.'));
    } catch (e) {
      plan.replaceChildren(notice('error', e.message));
    }
  };
  await show();
  return h('section', {},
    h('h1', {}, 'Hộp thư thông báo'), box,
    h('h2', {}, 'Lời nhắc sắp gửi'),
    h('form', { class: 'inline-form', method: 'post', onsubmit: (e) => { e.preventDefault(); show(); } },
      h('label', { for: 'remind-at' }, 'Nếu đồng hồ chỉ '), at, ' ', h('button', { type: 'submit' }, 'Xem')),
    h('p', { class: 'muted' }, 'Chỉ xem trước: không có gì được gửi hay xếp hàng.'),
    plan);
}
