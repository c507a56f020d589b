// console.test.mjs — the web console in a real browser: playwright-core driving Debian's
// headless chromium against the daemon run.py started. Each scenario signs in as a clerk or
// the Office would (typing the token in the form) and checks what they would see. Prints
// "ok   NAME" or "FAIL NAME: why" per scenario and "N passed, N failed"; exits 1 on a
// failure. Any script error or CSP violation on a page fails the scenario that caused it.
//
// Environment (set by run.py): BASE_URL, TOKENS ({"admin", "read", "unit:VP"}), RULES_DIR
// (the daemon's 2025 rules, which a scenario breaks and restores), FAILED_MESSAGE (an
// outbox id set to failed), CHROMIUM, ARTIFACTS (where screenshots go).

import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const BASE = process.env.BASE_URL;
const TOKENS = JSON.parse(process.env.TOKENS);
const ARTIFACTS = process.env.ARTIFACTS;
const WAIT = 30000; // how long a locator waits before giving up; never a pass/fail bound
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

// What a unit reports for 2025-Y when all is well (the ruleset's collective facts).
const GOOD = {
  tasks_assigned: '20', tasks_completed: '20', legal_docs_assigned: '2', legal_docs_completed: '2',
  discipline_violations: '0', exemplary_models: '1',
};

fs.mkdirSync(ARTIFACTS, { recursive: true });
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM, headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });

// A fresh browser session at `viewport`, its page's errors collected.
async function open(viewport = DESKTOP) {
  const context = await browser.newContext({ viewport, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' });
  context.setDefaultTimeout(WAIT);
  const page = await context.newPage();
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push('script error: ' + e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of (4\d\d)/.test(m.text())) page.problems.push('console: ' + m.text());
  });
  return { context, page };
}

// Signs in through the form, as a person would, and waits for the first page.
async function signIn(page, token, hash = '') {
  await page.goto(BASE + '/console/' + hash);
  await page.getByLabel('Mã truy cập').fill(TOKENS[token]);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.getByRole('button', { name: 'Đăng xuất' }).waitFor();
  await page.locator('main h1').waitFor();
}

async function counts(page) {
  const n = async (id) => Number(await page.locator(`#${id} .n`).textContent());
  return { onTime: await n('count-on-time'), late: await n('count-late'), missing: await n('count-missing') };
}

async function shoot(page, name) {
  await page.screenshot({ path: path.join(ARTIFACTS, name + '.png'), fullPage: true });
}

// The page fits the screen's width (nothing to scroll sideways but the tables' own boxes).
async function fitsWidth(page) {
  const [scroll, inner] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.ok(scroll <= inner + 1, `the page is ${scroll}px wide on a ${inner}px screen`);
}

const scenarios = [];
const scenario = (name, fn) => scenarios.push({ name, fn });

scenario('the token stays in the tab: sessionStorage, never a URL or localStorage', async ({ page }) => {
  const urls = [];
  page.on('request', (r) => urls.push(r.url()));
  await signIn(page, 'unit:VP');
  const stored = await page.evaluate(() => [sessionStorage.getItem('thidua.token'), localStorage.length, document.cookie]);
  assert.deepEqual(stored, [TOKENS['unit:VP'], 0, '']);
  for (const u of urls) assert.ok(!u.includes(TOKENS['unit:VP']), 'the token is in ' + u);
  await page.getByRole('button', { name: 'Đăng xuất' }).click();
  await page.getByLabel('Mã truy cập').waitFor();
  assert.equal(await page.evaluate(() => sessionStorage.getItem('thidua.token')), null);
});

scenario('a wrong token is refused in Vietnamese', async ({ page }) => {
  await page.goto(BASE + '/console/');
  await page.getByLabel('Mã truy cập').fill('khong-phai-token');
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.getByText('Mã truy cập không hợp lệ.').waitFor();
});

scenario('a unit submits a wrong value, sees the field\'s error, fixes it and sees the evaluation',
  async ({ page }) => {
    await signIn(page, 'unit:VP', '#/don-vi/VP/2025-Y');
    await page.locator('#report-form').waitFor();
    // Every field of the form is labelled (reachable by its label, as a screen reader reads it).
    const unlabelled = await page.$$eval('#report-form input, #report-form select, #report-form textarea',
      (els) => els.filter((e) => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')).map((e) => e.id));
    assert.deepEqual(unlabelled, []);
    await page.getByLabel('Có kế hoạch/văn bản hưởng ứng, phát động phong trào thi đua').check();
    await page.getByLabel('Chương trình, kế hoạch công tác năm được xây dựng, phê duyệt theo quy định').check();
    await page.getByLabel('Hoàn thành đúng tiến độ việc kiện toàn, tinh gọn tổ chức bộ máy').check();
    await page.getByLabel('Nội bộ đoàn kết', { exact: true }).check();
    for (const [name, value] of Object.entries(GOOD)) await page.locator('#fact-' + name).fill(value);
    await page.getByLabel('Xếp loại mức độ hoàn thành nhiệm vụ của tập thể', { exact: true }).selectOption('HTXS');
    // Wrong: more tasks completed than the bound allows.
    await page.locator('#fact-tasks_completed').fill('100001');
    await page.getByRole('button', { name: 'Gửi báo cáo' }).click();
    const error = page.locator('#err-fact-tasks_completed');
    await error.filter({ hasText: /\S/ }).waitFor();
    assert.match(await error.textContent(), /100000|100\.000/);
    assert.equal(await page.locator('#fact-tasks_completed').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.locator('#evaluation').count(), 0, 'no evaluation for a refused report');
    await shoot(page, 'unit-form-error-desktop');
    // Fixed.
    await page.locator('#fact-tasks_completed').fill('20');
    await page.getByRole('button', { name: 'Gửi báo cáo' }).click();
    await page.locator('#evaluation').waitFor();
    assert.equal(await page.locator('#err-fact-tasks_completed').textContent(), '');
    assert.equal(await page.locator('#score').textContent(), '100');
    const criteria = await page.locator('#evaluation table.criteria tbody tr').count();
    assert.equal(criteria, 6);
    await page.getByText(/Đã lưu phiên bản 1/).waitFor();
    // The history names who sent it.
    await page.locator('#versions').getByText('it-unit-VP').waitFor();
  });

scenario('the Office sees the dashboard\'s counts change when a unit reports', async ({ page }) => {
  await signIn(page, 'admin', '#/tong-quan/2025-Y');
  await page.locator('#count-missing').waitFor();
  const before = await counts(page);
  // A report of KHTC arrives (through the API, as another system would send it).
  const facts = { response_plan: true, work_programme_approved: true, tasks_assigned: 10, tasks_completed: 10,
    legal_docs_assigned: 0, legal_docs_completed: 0, restructuring_on_time: true, discipline_violations: 0,
    exemplary_models: 0, internal_solidarity: true, unit_rating: 'HTT' };
  const put = await fetch(BASE + '/api/v1/periods/2025-Y/units/KHTC/report', {
    method: 'PUT', headers: { Authorization: 'Bearer ' + TOKENS.admin, 'Content-Type': 'application/json' },
    body: JSON.stringify({ facts }) });
  assert.equal(put.status, 200, await put.text());
  await page.reload();
  await page.locator('#count-missing').waitFor();
  const after = await counts(page);
  // 2025-Y was due on 17/11/2025: a report sent now is late.
  assert.deepEqual(after, { onTime: before.onTime, late: before.late + 1, missing: before.missing - 1 });
  const row = page.locator('#units tr[data-code="KHTC"]');
  assert.match(await row.textContent(), /Nộp trễ \d+ ngày làm việc/);
  // The chart has a bar per unit that reported; closed district offices are greyed in the tree.
  assert.ok(await page.locator('svg.chart g.bar').count() >= 1);
  assert.match(await page.locator('.tree li.closed-unit').first().textContent(), /sáp nhập vào/);
  await page.locator('#next-deadline').waitFor();
  await shoot(page, 'dashboard-desktop');
});

scenario('a closed period is read-only', async ({ page }) => {
  await signIn(page, 'unit:VP', '#/don-vi/VP/2025-H1');
  await page.locator('#closed-banner').waitFor();
  assert.equal(await page.locator('#report-form fieldset').getAttribute('disabled'), '');
  assert.ok(await page.locator('#fact-tasks_assigned').isDisabled());
  assert.ok(await page.getByRole('button', { name: 'Gửi báo cáo' }).isDisabled());
  const enabled = await page.locator('#people input:enabled, #people select:enabled, #people button:enabled').count();
  assert.equal(enabled, 0, 'people rows are editable in a closed period');
  await page.goto(BASE + '/console/#/khen-thuong/2025-H1');
  await page.locator('#closed-banner').waitFor();
});

scenario('an administrator retries a failed message', async ({ page }) => {
  await signIn(page, 'admin', '#/hop-thu');
  const row = page.locator(`#outbox-table tr[data-id="${process.env.FAILED_MESSAGE}"]`);
  await row.waitFor();
  assert.equal(await row.getAttribute('data-status'), 'failed');
  assert.match(await row.textContent(), /hộp thư không tồn tại/);
  await row.getByRole('button', { name: 'Gửi lại' }).click();
  await page.locator(`#outbox-table tr[data-id="${process.env.FAILED_MESSAGE}"]:not([data-status="failed"])`).waitFor();
  assert.equal(await page.locator(`#outbox-table tr[data-id="${process.env.FAILED_MESSAGE}"] button.retry`).count(), 0);
  // The next reminders, as the schedule would send them: a dry run.
  await page.getByLabel('Nếu đồng hồ chỉ').fill('20/11/2025 10:00');
  await page.getByRole('button', { name: 'Xem' }).click();
  await page.locator('#reminders table').waitFor();
  assert.match(await page.locator('#reminders').textContent(), /17\/11\/2025/);
});

scenario('a read token sees the outbox without a retry button', async ({ page }) => {
  await signIn(page, 'read', '#/hop-thu');
  await page.locator('#outbox-table').waitFor();
  assert.equal(await page.getByRole('button', { name: 'Gửi lại' }).count(), 0);
});

scenario('a unit token cannot see another unit\'s people', async ({ page }) => {
  const res = await fetch(BASE + '/api/v1/people?unit=MT', { headers: { Authorization: 'Bearer ' + TOKENS.admin } });
  const someone = (await res.json()).people[0].full_name;
  await signIn(page, 'unit:VP', '#/don-vi/MT/2025-Y');
  await page.locator('#people-section .notice.error').waitFor();
  assert.match(await page.locator('#people-section').textContent(), /chỉ đọc được cá nhân/);
  assert.equal(await page.locator('#people').count(), 0);
  assert.ok(!(await page.locator('main').textContent()).includes(someone), someone + ' is shown');
  // Nor its report: no form to fill, the refusal in its place.
  assert.match(await page.locator('#report .notice.error').textContent(), /token của đơn vị VP/);
  assert.equal(await page.locator('#report-form').count(), 0);
  // Its own unit's people are there, one editable row each.
  await page.goto(BASE + '/console/#/don-vi/VP/2025-Y');
  await page.locator('#people tbody tr').first().waitFor();
  assert.ok(await page.locator('#people tbody tr').count() >= 5);
});

scenario('a person\'s row is edited in place', async ({ page }) => {
  await signIn(page, 'unit:VP', '#/don-vi/VP/2025-Y');
  const row = page.locator('#people tbody tr').first();
  await row.waitFor();
  const code = await row.getAttribute('data-person');
  await row.locator(`#p-${code}-rating`).selectOption('HTT');
  await row.locator(`#p-${code}-months_worked`).fill('13');
  await row.getByRole('button', { name: 'Lưu' }).click();
  await row.locator(`#err-p-${code}-months_worked`).filter({ hasText: /\S/ }).waitFor();
  await row.locator(`#p-${code}-months_worked`).fill('12');
  for (const name of ['responsibility', 'obeys_assignment', 'movement_participation']) await row.locator(`#p-${code}-${name}`).check();
  await row.locator(`#p-${code}-initiatives`).fill('0');
  await row.locator(`#p-${code}-discipline`).selectOption('none');
  await row.getByRole('button', { name: 'Lưu' }).click();
  await row.locator('.notice.ok').waitFor();
  assert.match(await row.locator('.notice.ok').textContent(), /Đã lưu \(phiên bản 1\)/);
});

scenario('the Office downloads the consolidated report as xlsx and CSV in one click', async ({ page }) => {
  await signIn(page, 'admin', '#/khen-thuong/2025-Y');
  for (const [button, check] of [
    ['Tải báo cáo tổng hợp (xlsx)', (b) => assert.equal(b.subarray(0, 2).toString(), 'PK')],
    ['Tải báo cáo tổng hợp (CSV)', (b) => assert.deepEqual([...b.subarray(0, 3)], [0xef, 0xbb, 0xbf])]]) {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: button }).click()]);
    assert.match(download.suggestedFilename(), /^bao-cao-2025-Y\.(xlsx|csv)$/);
    check(fs.readFileSync(await download.path()));
  }
  await page.getByRole('button', { name: 'In' }).waitFor();
});

scenario('a unit token is offered no consolidated report (its annex names other units\' people)', async ({ page }) => {
  await signIn(page, 'unit:VP', '#/khen-thuong/2025-Y');
  await page.getByRole('button', { name: 'In' }).waitFor();
  assert.equal(await page.locator('#download-xlsx, #download-csv').count(), 0);
});

scenario('the rules page shows the hash, the criteria and a refused reload\'s errors', async ({ page }) => {
  await signIn(page, 'admin', '#/quy-tac');
  await page.locator('#years code.hash').waitFor();
  assert.match(await page.locator('#years code.hash').first().textContent(), /^[0-9a-f]{64}$/);
  assert.match(await page.locator('#criteria').textContent(), /TT1.*Có kế hoạch/s);
  assert.match(await page.locator('#titles').textContent(), /Lao động tiên tiến/);
  const file = path.join(process.env.RULES_DIR, 'criteria_tap_the.lua');
  const good = fs.readFileSync(file, 'utf8');
  try {
    fs.writeFileSync(file, good + '\nday khong phai lua\n');
    await page.getByRole('button', { name: 'Nạp lại bộ quy tắc' }).click();
    await page.getByText(/criteria_tap_the\.lua:\d+:/).first().waitFor({ timeout: 120000 });
    await page.reload();
    await page.locator('#last-refused li').first().waitFor();
    assert.match(await page.locator('#last-refused').textContent(), /bị từ chối.*criteria_tap_the\.lua:\d+:/s);
    await shoot(page, 'rules-refused-desktop');
  } finally {
    fs.writeFileSync(file, good);
  }
  await page.getByRole('button', { name: 'Nạp lại bộ quy tắc' }).click();
  await page.getByText(/Đã nạp:/).waitFor({ timeout: 120000 });
});

scenario('screenshots at desktop and phone widths; every page fits a phone', async () => {
  for (const [label, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
    for (const [name, token, hash, ready] of [
      ['dashboard', 'admin', '#/tong-quan/2025-Y', '#count-missing'],
      ['unit-form', 'unit:VP', '#/don-vi/VP/2025-Y', '#report-form'],
      ['rules', 'admin', '#/quy-tac', '#criteria'],
      ['nominations', 'admin', '#/khen-thuong/2025-Y', 'main h1'],
      ['outbox', 'admin', '#/hop-thu', '#outbox']]) {
      const { context, page } = await open(viewport);
      try {
        await signIn(page, token, hash);
        await page.locator(ready).waitFor();
        if (label === 'phone') await fitsWidth(page);
        await shoot(page, `${name}-${label}`);
        assert.deepEqual(page.problems, []);
      } finally {
        await context.close();
      }
    }
  }
});

scenario('the console is served with a strict policy and revalidated by ETag', async ({ page }) => {
  const resp = await page.goto(BASE + '/console/');
  const headers = resp.headers();
  assert.match(headers['content-security-policy'], /default-src 'none'; script-src 'self'/);
  assert.match(headers['cache-control'], /no-cache/);
  const again = await fetch(BASE + '/console/js/app.js', { headers: { 'If-None-Match': (await fetch(BASE + '/console/js/app.js')).headers.get('etag') } });
  assert.equal(again.status, 304);
  const root = await fetch(BASE + '/', { redirect: 'manual' });
  assert.equal(root.headers.get('location'), '/console/');
});

let passed = 0;
let failed = 0;
for (const s of scenarios) {
  const { context, page } = await open();
  try {
    await s.fn({ page, context });
    assert.deepEqual(page.problems, [], 'errors on the page');
    passed++;
    console.log('ok   ' + s.name);
  } catch (e) {
    failed++;
    console.log('FAIL ' + s.name + ': ' + (e && e.stack ? e.stack : e));
    await shoot(page, 'failed-' + scenarios.indexOf(s)).catch(() => {});
  } finally {
    await context.close();
  }
}
await browser.close();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
