// What the demo organisation has been sent when it is first loaded: the Tỉnh ủy's Công điện on
// the epidemic (seed 001, "triển khai đến các chi bộ trong toàn Đảng bộ tỉnh") published to the
// whole province for reading, and Đảng ủy xã Đông Thọ's announcement of the monthly meeting to its
// cells — so a member logging in to the demo finds "Văn bản mới" waiting.
import { and, eq, like } from 'drizzle-orm';
import type { Db } from '../core/db/client.ts';
import { loadActor } from '../core/auth/actor.ts';
import { accounts } from '../core/auth/schema.ts';
import { units } from '../org/schema.ts';
import { people } from '../people/schema.ts';
import { documents } from '../documents/schema.ts';
import { publish } from './publications.ts';

async function unitId(db: Db, code: string): Promise<number> {
  const [u] = await db.select({ id: units.id }).from(units).where(eq(units.code, code));
  if (!u) throw new Error(`demo: no unit ${code}`);
  return u.id;
}

/** Publishes the demo's publications (inside the demo's seeding transaction). Returns how many. */
export async function seedDemoPublications(db: Db): Promise<number> {
  const province = await unitId(db, 'TB');
  const commune = await unitId(db, 'TB-DT');
  const [doc] = await db
    .select({ id: documents.id })
    .from(documents)
    .where(and(eq(documents.unitId, province), eq(documents.direction, 'outgoing'), like(documents.subject, 'Về tăng cường các biện pháp cấp bách%')));
  const [provinceStaff] = await db.select({ id: accounts.id }).from(accounts).where(eq(accounts.username, 'bantochuc'));
  const [communeStaff] = await db.select({ id: accounts.id }).from(accounts).innerJoin(people, eq(people.id, accounts.personId)).where(eq(people.phone, '0912000101'));
  if (!doc || !provinceStaff || !communeStaff) return 0;
  const base = { announcement: null, audienceRole: 'all' as const, reflection: false, dueOn: null, excludeExempt: false };
  // Sent "before" anyone used the demo: recorded without notices (nobody's inbox or queue changes).
  const quiet = { notify: false };
  await publish(db, { accountId: provinceStaff.id }, (await loadActor(db, provinceStaff.id))!, { ...base, unitId: province, documentId: doc.id, audienceUnitIds: [province], requirement: 'read' }, quiet);
  await publish(db, { accountId: communeStaff.id }, (await loadActor(db, communeStaff.id))!, {
    ...base,
    unitId: commune,
    documentId: null,
    announcement: {
      title: 'Lịch sinh hoạt chi bộ định kỳ tháng 9 năm 2021',
      body: 'Đảng ủy xã Đông Thọ thông báo lịch sinh hoạt chi bộ định kỳ tháng 9 năm 2021 như sau:\n\n1. Thời gian: 19 giờ 30, ngày 03 tháng 9 năm 2021.\n\n2. Nội dung: quán triệt Công điện của Ban Thường vụ Tỉnh ủy về tăng cường các biện pháp cấp bách phòng, chống dịch Covid-19; kiểm điểm việc thực hiện nhiệm vụ tháng 8.\n\n3. Đề nghị đảng viên thực hiện nghiêm 5K khi đến dự; đồng chí nào không dự được báo cáo bí thư chi bộ.',
    },
    audienceUnitIds: [commune],
    requirement: 'none',
  }, quiet);
  return 2;
}
