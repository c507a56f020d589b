// signin.js — the sign-in form: one labelled password field for the token. The token goes
// to sessionStorage (this tab only, gone when it closes), never into a URL.

import { h, notice } from '../dom.js';

export function signInForm(message, onToken) {
  const input = h('input', { id: 'token', name: 'token', type: 'password', required: true,
    autocomplete: 'off', spellcheck: 'false' });
  const form = h('form', { class: 'card signin', method: 'post', onsubmit: async (e) => {
    e.preventDefault();
    if (input.value.trim()) await onToken(input.value);
  } },
  h('h1', {}, 'Đăng nhập'),
  message ? notice('error', message) : null,
  h('p', {}, 'Nhập mã truy cập (token) Văn phòng Sở đã cấp cho anh/chị hoặc cho đơn vị.'),
  h('label', { for: 'token' }, 'Mã truy cập'), input,
  h('button', { type: 'submit' }, 'Đăng nhập'));
  return form;
}
