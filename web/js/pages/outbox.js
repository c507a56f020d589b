// outbox.js — the notifications: what was sent to whom on which channel, what failed and
// why, with "Gửi lại" for an administrator (POST /outbox/{id}/retry); and the reminders the
// schedule would send at a moment (GET /reminders?at=, `remind --dry-run` as a page).

import { api, ApiError } from '../api.js';
import { h, notice, table } from '../dom.js';
import { dateTime } from '../format.js';

const ROLES = { unit: 'đơn vị', head: 'thủ trưởng', office: 'Văn phòng Sở' };
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
      h('td', {}, `${m.recipient} (${ROLES[m.role] || m.role})`),
      h('td', {}, h('details', {}, h('summary', {}, m.subject || m.step), m.body)),
      h('td', { class: 'st-' + m.status }, STATUS[m.status] || m.status),
      h('td', {}, m.last_error || ''), h('td', {}, String(m.attempts ?? '')), h('td', {}, action));
  });
}

// Now in Asia/Ho_Chi_Minh (no summer time) as "dd/mm/yyyy hh:mm".
function localMoment() {
  return dateTime(new Date(Date.now() + 7 * 3600 * 1000).toISOString());
}

// "dd/mm/yyyy hh:mm" → "yyyy-mm-ddThh:mm", or null.
function parseMoment(text) {
  const m = /^\s*(\d{1,2})\/(\d{1,2})\/(\d{4})\s+(\d{1,2}):(\d{2})\s*$/.exec(text);
  const two = (n) => n.padStart(2, '0');
  return m ? `${m[3]}-${two(m[2])}-${two(m[1])}T${two(m[4])}:${m[5]}` : null;
}

export async function render(ctx) {
  const box = h('div', { id: 'outbox' });
  const refresh = async () => {
    const { messages } = await api.get('/api/v1/outbox');
    box.replaceChildren(messages.length
      ? table(null, ['Thời điểm', 'Đơn vị', 'Kênh', 'Người nhận', 'Nội dung', 'Trạng thái', 'Lỗi', 'Số lần', ''],
        outboxRows(ctx, messages, refresh), { id: 'outbox-table' })
      : notice('info', 'Hộp thư trống.'));
  };
  await refresh();
  const at = h('input', { type: 'text', id: 'remind-at', value: localMoment(), inputmode: 'numeric',
    placeholder: 'dd/mm/yyyy hh:mm', 'aria-describedby': 'remind-at-hint' });
  const plan = h('div', { id: 'reminders', 'aria-live': 'polite' });
  const show = async () => {
    const moment = parseMoment(at.value);
    if (!moment) {
      plan.replaceChildren(notice('error', 'Thời điểm viết theo dạng ngày/tháng/năm giờ:phút, ví dụ 20/11/2025 10:00.'));
      return;
    }
    try {
      const { messages } = await api.get('/api/v1/reminders?at=' + encodeURIComponent(moment));
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
    h('p', { class: 'muted', id: 'remind-at-hint' }, 'Ngày/tháng/năm giờ:phút, giờ Việt Nam. Chỉ xem trước: không có gì được gửi hay xếp hàng.'),
    plan);
}
