// app.js — the console's shell: sign-in with a token (kept in sessionStorage only), what the
// token may see (GET /api/v1/me), the navigation for that scope, and the hash router that
// draws one page at a time: #/tong-quan/P, #/don-vi/CODE/P, #/khen-thuong/P, #/hop-thu,
// #/quy-tac/YEAR.

import { api, session, ApiError } from './api.js';
import { h, notice } from './dom.js';
import * as dashboard from './pages/dashboard.js';
import * as unit from './pages/unit.js';
import * as nominations from './pages/nominations.js';
import * as outbox from './pages/outbox.js';
import * as rules from './pages/rules.js';
import { signInForm } from './pages/signin.js';
import { defaultPeriod } from './pages/common.js';

const pages = { 'tong-quan': dashboard, 'don-vi': unit, 'khen-thuong': nominations,
  'hop-thu': outbox, 'quy-tac': rules };
const SCOPE_NAMES = { admin: 'quản trị', read: 'chỉ đọc', unit: 'đơn vị' };

const main = document.getElementById('main');
let ctx = null;

// What every page reads: who signed in, the years in service and their periods.
async function loadContext() {
  const me = await api.get('/api/v1/me');
  const newest = await api.get('/api/v1/rules');
  const catalogs = { [newest.campaign.year]: newest };
  for (const y of newest.years) {
    if (!catalogs[y.year]) catalogs[y.year] = await api.get('/api/v1/rules?year=' + y.year);
  }
  const periods = Object.values(catalogs).flatMap((c) =>
    c.periods.map((p) => ({ ...p, year: c.campaign.year })));
  const office = me.scope === 'admin' || me.scope === 'read';
  return { me, catalogs, years: newest.years, periods, office, go, refresh: route };
}

function go(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

function navigation() {
  const nav = document.getElementById('nav');
  const period = defaultPeriod(ctx);
  const links = ctx.office
    ? [['#/tong-quan/' + period, 'Tổng quan'], ['#/don-vi/' + ctx.catalogs[ctx.years.at(-1).year].campaign.office + '/' + period, 'Đơn vị']]
    : [['#/don-vi/' + ctx.me.unit + '/' + period, 'Đơn vị của tôi']];
  links.push(['#/khen-thuong/' + period, 'Khen thưởng'], ['#/hop-thu', 'Hộp thư'],
    ['#/quy-tac', 'Quy tắc']);
  nav.replaceChildren(h('ul', {}, links.map(([href, text]) => h('li', {}, h('a', { href }, text)))));
  document.getElementById('who').replaceChildren(
    h('span', {}, `${ctx.me.name} (${SCOPE_NAMES[ctx.me.scope] || ctx.me.scope}${ctx.me.unit ? ' ' + ctx.me.unit : ''})`),
    ' ',
    h('button', { type: 'button', class: 'link', onclick: signOut }, 'Đăng xuất'));
}

function signOut() {
  session.signOut();
  ctx = null;
  document.getElementById('nav').replaceChildren();
  document.getElementById('who').replaceChildren();
  location.hash = '';
  showSignIn();
}

function showSignIn(message) {
  main.replaceChildren(signInForm(message, async (token) => {
    session.signIn(token);
    await start();
  }));
  document.title = 'Đăng nhập – Thi đua';
}

async function route() {
  if (!ctx) return;
  const [name, ...params] = location.hash.replace(/^#\/?/, '').split('/').filter(Boolean);
  const page = pages[name];
  if (!page) {
    go(ctx.office ? '#/tong-quan/' + defaultPeriod(ctx) : '#/don-vi/' + ctx.me.unit + '/' + defaultPeriod(ctx));
    return;
  }
  main.replaceChildren(h('p', { role: 'status' }, 'Đang tải…'));
  try {
    const node = await page.render(ctx, params.map(decodeURIComponent));
    main.replaceChildren(node);
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return signOut();
    main.replaceChildren(h('h1', {}, 'Không mở được trang'),
      notice('error', e instanceof ApiError ? `${e.message} (${e.code})` : String(e)));
  }
  const title = main.querySelector('h1');
  document.title = (title ? title.textContent + ' – ' : '') + 'Thi đua';
  main.focus({ preventScroll: true });
}

async function start() {
  if (!session.token()) return showSignIn();
  try {
    ctx = await loadContext();
  } catch (e) {
    session.signOut();
    return showSignIn(e instanceof ApiError && e.status === 401
      ? 'Mã truy cập không hợp lệ.' : 'Không kết nối được máy chủ: ' + e.message);
  }
  navigation();
  route();
}

window.addEventListener('hashchange', route);
start();
