// A cell meeting in a real browser: the secretary, on a 360-pixel phone, schedules and starts the
// meeting, takes attendance, opens a vote; three members vote from their own phones (separate
// browser contexts) and the secretary's page follows without reloading (server-sent events); the
// secretary records the answer of a member without a phone, closes the vote (the verdict states
// both numbers), ends the meeting and drafts the minutes. axe-core finds no violations on any page
// and nothing scrolls sideways.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { expectAccessible, launchBrowser, liveServer, login, type LiveServer } from '../kit/browser.ts';
import { and, eq, ne } from 'drizzle-orm';
import { formatDate } from '../../src/core/i18n/i18n.ts';
import { unitByCode } from '../kit/demo.ts';
import { members, people } from '../../src/people/schema.ts';
import { accounts } from '../../src/core/auth/schema.ts';
import { SYSTEM_CONTEXT } from '../../src/core/audit/audit.ts';
import { createMeeting, markUnrecordedPresent, setStatus } from '../../src/meetings/meetings.ts';
import { createQuestion, openQuestion } from '../../src/meetings/votes.ts';

let browser: Browser;
let server: LiveServer;
before(async () => {
  browser = await launchBrowser();
  server = await liveServer();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

async function phone(): Promise<Page> {
  const context = await browser.newContext({ bypassCSP: true, viewport: { width: 360, height: 740 }, locale: 'vi-VN', isMobile: true, hasTouch: true });
  return context.newPage();
}

const check = expectAccessible;

test('the secretary runs a meeting on a phone while members vote from theirs', async () => {
  const sec = await phone();
  await login(sec, server.url, '0912000201');
  await sec.getByRole('link', { name: /Sinh hoạt chi bộ/ }).first().click();
  await sec.getByRole('heading', { name: /Sinh hoạt chi bộ — Chi bộ thôn Đông Thọ/ }).waitFor();
  await check(sec, 'the cell meetings');
  await sec.getByRole('link', { name: 'Lên lịch buổi sinh hoạt' }).click();
  await check(sec, 'scheduling form');
  await sec.getByLabel('Loại buổi sinh hoạt').selectOption('extraordinary');
  await sec.getByLabel(/^Ngày( \*)?$/).fill(formatDate(new Date(Date.now() + 24 * 3600_000)));
  await sec.getByLabel('Giờ bắt đầu').fill('19:30');
  await sec.getByLabel('Địa điểm').fill('Nhà văn hóa thôn Đông Thọ');
  await sec.getByLabel('Đường dẫn họp trực tuyến (Jitsi)').fill('https://meet.jit.si/chibo-dongtho');
  await sec.getByRole('button', { name: 'Lên lịch' }).click();
  await sec.getByText('Đã lên lịch buổi sinh hoạt.').waitFor();
  const meetingUrl = sec.url();
  await check(sec, 'the meeting, scheduled');
  await sec.getByRole('button', { name: 'Bắt đầu buổi sinh hoạt' }).click();
  await sec.getByText('Buổi sinh hoạt đã bắt đầu.').waitFor();
  await sec.getByRole('link', { name: 'Điểm danh' }).click();
  await sec.getByRole('heading', { name: 'Điểm danh', exact: true }).waitFor();
  await check(sec, 'attendance');
  await sec.getByRole('button', { name: 'Đánh dấu có mặt tất cả người chưa điểm danh' }).click();
  await sec.getByText(/Đã đánh dấu có mặt \d+ đảng viên\./).waitFor();
  await sec.goto(meetingUrl);
  // A vote on a resolution.
  await sec.getByText('Câu hỏi mới').click();
  await sec.getByLabel('Nội dung câu hỏi').fill('Thông qua chủ trương làm đường bê tông xóm Đông');
  await sec.getByLabel(/Biểu quyết nghị quyết/).check();
  await sec.getByRole('button', { name: 'Tạo câu hỏi' }).click();
  await sec.getByText('Đã tạo câu hỏi.').waitFor();
  await sec.getByRole('button', { name: 'Mở lấy ý kiến' }).click();
  // The one-shot message, or — when the live room has already redrawn the page — the question's open state.
  await sec.getByText(/^(Đã mở lấy ý kiến\.|Đang lấy ý kiến)$/).first().waitFor();
  await sec.locator('[data-k="answered"]').first().waitFor();
  await check(sec, 'the room, a vote open');
  const answered = sec.locator('[data-k="answered"]').first();
  assert.match((await answered.textContent()) ?? '', /^Đã trả lời: 0\/\d+$/);
  await sec.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));

  // Three official members vote from their phones.
  const cell = await unitByCode(server.database.db, 'TB-DT-1');
  const voters = (
    await server.database.db
      .select({ phone: people.phone })
      .from(members)
      .innerJoin(people, eq(people.id, members.personId))
      .innerJoin(accounts, eq(accounts.personId, people.id))
      .where(and(eq(members.unitId, cell.id), eq(members.standing, 'official'), eq(members.exempt, false), eq(people.phoneKind, 'smartphone'), ne(people.phone, '0912000201')))
  )
    .map((r) => r.phone!)
    .filter(Boolean)
    .slice(0, 3);
  assert.equal(voters.length, 3);
  for (const [i, who] of voters.entries()) {
    const m = await phone();
    await login(m, server.url, who);
    await m.goto(meetingUrl);
    await m.getByRole('heading', { name: 'Thông qua chủ trương làm đường bê tông xóm Đông' }).waitFor();
    if (i === 0) await check(m, 'a member, before voting');
    await m.getByLabel(i === 2 ? 'Không tán thành' : 'Tán thành', { exact: true }).check();
    await m.getByRole('button', { name: 'Biểu quyết' }).click();
    await m.getByText('Đã ghi nhận ý kiến của đồng chí.').waitFor();
    if (i === 0) await check(m, 'a member, after voting');
    await m.context().close();
  }
  // The secretary's page followed, without reloading.
  await sec.waitForFunction(() => /^Đã trả lời: 3\//.test(document.querySelector('[data-k="answered"]')?.textContent ?? ''), undefined, { timeout: 30_000 });
  assert.equal(await sec.evaluate(() => (window as unknown as { stayed?: boolean }).stayed), true, 'the numbers changed in place');
  assert.equal(await sec.locator('[data-k="c-agree"]').first().textContent(), '2');
  assert.equal(await sec.locator('[data-k="c-disagree"]').first().textContent(), '1');

  // The answer of a member with a basic phone, recorded by the secretary.
  await sec.getByRole('link', { name: 'Ghi ý kiến thay đảng viên' }).click();
  await sec.getByRole('heading', { name: 'Ghi ý kiến thay đảng viên không có điện thoại' }).waitFor();
  await check(sec, 'recording for members');
  const card = sec.locator('form.card').filter({ hasText: 'Nguyễn Văn Thọ' });
  await card.getByLabel('Tán thành', { exact: true }).check();
  await card.getByRole('button', { name: 'Gửi ý kiến' }).click();
  await sec.getByText('Đã ghi ý kiến thay đồng chí Nguyễn Văn Thọ.').waitFor();

  // Close: the verdict with both numbers; end; the minutes.
  await sec.goto(meetingUrl);
  sec.once('dialog', (d) => void d.accept());
  await sec.getByRole('button', { name: 'Đóng, công bố kết quả' }).click();
  await sec.getByText(/^(Đã đóng câu hỏi\.|Đã đóng)$/).first().waitFor();
  await sec.locator('.meet-verdict').first().waitFor();
  const verdict = (await sec.locator('.meet-verdict').textContent()) ?? '';
  assert.match(verdict, /Tán thành 3 phiếu; số đảng viên chính thức được tính \d+, một nửa là [\d,]+/);
  await check(sec, 'the room, the vote closed');
  sec.once('dialog', (d) => void d.accept());
  await sec.getByRole('button', { name: 'Kết thúc buổi sinh hoạt' }).click();
  await sec.getByText(/^(Buổi sinh hoạt đã kết thúc\.|Đã kết thúc)$/).first().waitFor();
  await sec.getByRole('link', { name: 'Biên bản', exact: true }).first().click();
  await sec.getByRole('button', { name: 'Soạn dự thảo từ dữ liệu buổi sinh hoạt' }).click();
  await sec.getByText('Đã soạn dự thảo biên bản.').waitFor();
  assert.ok(await sec.getByText('Thông qua chủ trương làm đường bê tông xóm Đông', { exact: false }).first().isVisible());
  await check(sec, 'the minutes, draft');
  await sec.context().close();
});

test('a member votes without JavaScript', async () => {
  const db = server.database.db;
  const cell = await unitByCode(db, 'TB-PK-1');
  const date = new Date(Date.now() + 24 * 3600_000).toISOString().slice(0, 10);
  const meeting = await db.transaction((tx) => createMeeting(tx, SYSTEM_CONTEXT, cell, { kind: 'extraordinary', date, time: '19:30', durationMinutes: 90, location: null, onlineUrl: null, topic: null, title: null }));
  await db.transaction((tx) => setStatus(tx, SYSTEM_CONTEXT, meeting.id, 'in_progress'));
  await db.transaction((tx) => markUnrecordedPresent(tx, SYSTEM_CONTEXT, meeting.id));
  const q = await db.transaction((tx) => createQuestion(tx, SYSTEM_CONTEXT, meeting.id, { kind: 'single', prompt: 'Chọn ngày ra quân vệ sinh môi trường', options: ['Thứ Bảy', 'Chủ nhật'], ratingMax: null, secret: true, resolution: false }));
  await db.transaction((tx) => openQuestion(tx, SYSTEM_CONTEXT, q.id));
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 360, height: 740 }, locale: 'vi-VN' });
  const page = await context.newPage();
  await login(page, server.url, '0912000303');
  await page.getByRole('link', { name: /Sinh hoạt chi bộ/ }).first().click();
  await page.getByRole('heading', { name: 'Chọn ngày ra quân vệ sinh môi trường' }).waitFor();
  await page.getByLabel('Chủ nhật').check();
  await page.getByRole('button', { name: 'Gửi ý kiến' }).click();
  await page.getByText('Đồng chí đã bỏ phiếu kín. Phiếu không gắn với tên đồng chí.').waitFor();
  // axe-core needs JavaScript (evaluate never returns in a context without it): the same page,
  // in the same session, is checked in a context that has it.
  const withJs = await browser.newContext({ storageState: await context.storageState(), viewport: { width: 360, height: 740 }, locale: 'vi-VN' });
  const same = await withJs.newPage();
  await same.goto(page.url());
  await same.getByText('Đồng chí đã bỏ phiếu kín. Phiếu không gắn với tên đồng chí.').waitFor();
  await check(same, 'a member after a secret vote, without JavaScript');
  await withJs.close();
  await context.close();
});
