// The member's home and the unit pages: "Sinh hoạt chi bộ" (the next meeting) and "Góp ý" tiles,
// the cell's next meeting on the cell's page, the committees' roll-up links on theirs.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { loggedIn, testApp, text, type TestApp } from '../../test/kit/app.ts';
import { unitByCode, unitByName } from '../../test/kit/demo.ts';
import { SYSTEM_CONTEXT } from '../core/audit/audit.ts';
import { formatDateTime } from '../core/i18n/i18n.ts';
import { createMeeting, setStatus } from './meetings.ts';

let t: TestApp;
before(async () => {
  t = await testApp({ demo: true });
});
after(() => t.close());

test('the home tiles and the cell page show the next meeting; the committee page links the roll-ups', async () => {
  const db = t.database.db;
  const cell = await unitByCode(db, 'TB-DT-1');
  const member = await loggedIn(t.app, '0912000301');
  let home = text((await member.get('/')).body);
  assert.ok(home.includes('Sinh hoạt chi bộ Chưa có lịch buổi tới'), home.slice(0, 800));
  assert.ok(home.includes('Góp ý'));
  const date = new Date(Date.now() + 3 * 24 * 3600_000).toISOString().slice(0, 10);
  const meeting = await db.transaction((tx) => createMeeting(tx, SYSTEM_CONTEXT, cell, { kind: 'extraordinary', date, time: '19:30', durationMinutes: 90, location: 'Nhà văn hóa', onlineUrl: null, topic: null, title: null }));
  home = text((await member.get('/')).body);
  assert.ok(home.includes(`Buổi tới: ${formatDateTime(meeting.startsAt)}`));
  assert.ok((await member.get('/')).body.includes(`href="/meetings/${meeting.id}"`));
  const cellPage = text((await member.get(`/units/${cell.id}`)).body);
  assert.ok(cellPage.includes(meeting.title) && cellPage.includes(`${formatDateTime(meeting.startsAt)} — Nhà văn hóa`));
  await db.transaction((tx) => setStatus(tx, SYSTEM_CONTEXT, meeting.id, 'in_progress'));
  assert.ok(text((await member.get('/')).body).includes('Đang diễn ra — vào phòng họp'));
  const commune = await unitByName(db, 'Đảng ủy xã Đông Thọ');
  const cm = await loggedIn(t.app, '0912000101');
  const communePage = (await cm.get(`/units/${commune.id}`)).body;
  for (const href of [`/units/${commune.id}/meeting-quality`, `/units/${commune.id}/evaluation-rollup`, `/units/${commune.id}/evaluation-approval`, `/units/${commune.id}/feedback`]) assert.ok(communePage.includes(`href="${href}"`), href);
  // A plain member sees no roll-up links on the commune's page.
  const onCommune = (await member.get(`/units/${commune.id}`)).body;
  assert.ok(!onCommune.includes('/meeting-quality') && !onCommune.includes('/feedback"'));
});
