// The demo organisation: the Thái Bình pilot of seed 000 ("Sổ tay đảng viên điện tử", 2021).
// Party tree: Tỉnh ủy Thái Bình → Thành ủy Thái Bình → Đảng ủy xã Đông Thọ, Đảng ủy phường
// Phú Khánh, Đảng ủy xã Vũ Phúc → two cells each (the four in Đông Thọ and Phú Khánh are the
// pilot cells). State tree beside it, and the outside issuers named in the seeds.
// Loaded once: a marker in `settings` makes a second run do nothing.
import { eq } from 'drizzle-orm';
import type { Db } from '../core/db/client.ts';
import { settings } from '../core/jobs/schema.ts';
import { audit, SYSTEM_CONTEXT, type ActingContext } from '../core/audit/audit.ts';
import { hashPassword } from '../core/auth/password.ts';
import { createAccount, grantRole } from '../core/auth/accounts.ts';
import { accounts, type Role } from '../core/auth/schema.ts';
import { createUnit } from '../org/tree.ts';
import { units, type Unit, type UnitKind } from '../org/schema.ts';
import { createMember, createPerson } from '../people/members.ts';
import { between, isoDate, partyDates, prng, randomDate, vietnameseName } from '../core/synthetic/random.ts';
import { todayIso } from '../core/i18n/i18n.ts';
import { seedDemoDocuments } from '../documents/demo.ts';
import { seedDemoPublications } from '../distribution/demo.ts';
import { seedDemoReports } from '../reports/demo.ts';

export const DEMO_PASSWORD = 'sotay2021';
const DEMO_MARKER = 'demo_seeded';

export type DemoLogin = { who: string; login: string; role: string };
/** The logins printed at start and listed in the README. */
export const DEMO_LOGINS: DemoLogin[] = [
  { who: 'Quản trị hệ thống', login: 'admin', role: 'system_admin' },
  { who: 'Ban Tổ chức Tỉnh ủy (quản trị đơn vị, cả tỉnh)', login: 'bantochuc', role: 'unit_admin' },
  { who: 'Văn phòng Tỉnh ủy (văn thư)', login: 'vanthu.tinhuy', role: 'office_clerk' },
  { who: 'Đảng ủy xã Đông Thọ (bí thư đảng ủy, cấp ủy viên)', login: '0912000101', role: 'committee_member' },
  { who: 'Đảng ủy xã Đông Thọ (văn thư)', login: '0912000102', role: 'office_clerk' },
  { who: 'Bí thư Chi bộ thôn Đông Thọ', login: '0912000201', role: 'cell_secretary' },
  { who: 'Đảng viên Chi bộ thôn Đông Thọ', login: '0912000301', role: 'member' },
  { who: 'Đảng viên Chi bộ khu dân cư số 1, phường Phú Khánh', login: '0912000303', role: 'member' },
  { who: 'Sở Thông tin và Truyền thông (văn thư, bên chính quyền)', login: 'vanthu.stttt', role: 'office_clerk' },
];

type CellPlan = { name: string; code: string; pilot: boolean };
type CommunePlan = { party: string; state: string; code: string; cells: CellPlan[]; committeePhone?: string; clerkPhone?: string };

const COMMUNES: CommunePlan[] = [
  {
    party: 'Đảng ủy xã Đông Thọ',
    state: 'UBND xã Đông Thọ',
    code: 'TB-DT',
    committeePhone: '0912000101',
    clerkPhone: '0912000102',
    cells: [
      { name: 'Chi bộ thôn Đông Thọ', code: 'TB-DT-1', pilot: true },
      { name: 'Chi bộ thôn Tống Vũ', code: 'TB-DT-2', pilot: true },
    ],
  },
  {
    party: 'Đảng ủy phường Phú Khánh',
    state: 'UBND phường Phú Khánh',
    code: 'TB-PK',
    committeePhone: '0912000111',
    clerkPhone: '0912000112',
    cells: [
      { name: 'Chi bộ khu dân cư số 1', code: 'TB-PK-1', pilot: true },
      { name: 'Chi bộ khu dân cư số 3', code: 'TB-PK-3', pilot: true },
    ],
  },
  {
    party: 'Đảng ủy xã Vũ Phúc',
    state: 'UBND xã Vũ Phúc',
    code: 'TB-VP',
    committeePhone: '0912000121',
    clerkPhone: '0912000122',
    cells: [
      { name: 'Chi bộ thôn Phúc Khánh', code: 'TB-VP-1', pilot: false },
      { name: 'Chi bộ thôn Tân Phong', code: 'TB-VP-2', pilot: false },
    ],
  },
];

const STATE_BODIES: [string, UnitKind][] = [
  ['Văn phòng UBND tỉnh', 'agency'],
  ['Sở Y tế', 'department'],
  ['Sở Thông tin và Truyền thông', 'department'],
  ['Sở Lao động – Thương binh và Xã hội', 'department'],
  ['Công an tỉnh', 'agency'],
  ['Sở Kế hoạch và Đầu tư', 'department'],
  ['Sở Tài nguyên và Môi trường', 'department'],
  ['Sở Giao thông Vận tải', 'department'],
  ['Sở Công Thương', 'department'],
  ['Sở Xây dựng', 'department'],
  ['Ban Quản lý Khu kinh tế và các khu công nghiệp tỉnh', 'agency'],
  ['Ban Chỉ đạo phòng, chống dịch Covid-19 tỉnh', 'agency'],
  ['Đài Phát thanh và Truyền hình tỉnh', 'agency'],
  ['Báo Thái Bình', 'agency'],
];

const OUTSIDE_ISSUERS = [
  'Ban Bí thư Trung ương Đảng',
  'Văn phòng Trung ương Đảng',
  'Văn phòng Chính phủ',
  'Bộ Y tế',
  'Ban Chỉ đạo Quốc gia phòng, chống dịch Covid-19',
  'UBND tỉnh Nam Định',
  'UBND tỉnh Thái Nguyên',
  'Tỉnh ủy Thái Nguyên',
  'Tỉnh ủy Bình Phước',
  'UBND tỉnh Bình Phước',
  'Sở Tư pháp tỉnh Bình Phước',
];

export async function isDemoSeeded(db: Db): Promise<boolean> {
  const [row] = await db.select().from(settings).where(eq(settings.key, DEMO_MARKER));
  return !!row;
}

export type DemoSummary = { units: number; members: number; accounts: number; skipped: false } | { units: 0; members: 0; accounts: 0; skipped: 'already_loaded' | 'real_data' };

/** Real data (any account or unit) is never mixed with the demo: then the demo is not loaded. */
export async function hasRealData(db: Db): Promise<boolean> {
  if (await isDemoSeeded(db)) return false;
  const [acc] = await db.select({ id: accounts.id }).from(accounts).limit(1);
  const [unit] = await db.select({ id: units.id }).from(units).limit(1);
  return !!acc || !!unit;
}

export async function seedDemo(db: Db, opts: { now?: Date } = {}): Promise<DemoSummary> {
  if (await isDemoSeeded(db)) return { units: 0, members: 0, accounts: 0, skipped: 'already_loaded' };
  if (await hasRealData(db)) return { units: 0, members: 0, accounts: 0, skipped: 'real_data' };
  const hash = await hashPassword(DEMO_PASSWORD); // one hash shared by the demo accounts: demo only
  const today = todayIso(opts.now);
  const r = prng(2021_09_23);
  const who: ActingContext = SYSTEM_CONTEXT;
  const counts = { units: 0, members: 0, accounts: 0 };

  return db.transaction(async (tx) => {
    // Re-check inside the transaction: two instances starting together load it once.
    await tx.insert(settings).values({ key: DEMO_MARKER, value: { at: new Date().toISOString() } });
    const unit = async (parent: Unit | null, kind: UnitKind, name: string, code?: string, shortName?: string) => {
      counts.units++;
      return createUnit(tx, who, { parentId: parent?.id ?? null, kind, name, code: code ?? null, shortName: shortName ?? null });
    };
    const account = async (personId: number, roles: [Role, Unit | null][], username?: string) => {
      const acc = await createAccount(tx, who, { personId, username: username ?? null, passwordHash: hash, mustChangePassword: false });
      counts.accounts++;
      for (const [role, u] of roles) await grantRole(tx, who, { accountId: acc.id, role, unitId: u?.id ?? null });
      return acc;
    };
    let memberSeq = 0;
    const member = async (cell: Unit, o: { fullName?: string; gender?: 'male' | 'female'; phone?: string | null; phoneKind?: 'smartphone' | 'basic' | 'none'; position?: string; elderly?: boolean; exempt?: boolean }) => {
      const n = o.fullName ? { fullName: o.fullName, gender: o.gender ?? 'male' } : vietnameseName(r);
      const birthDate = o.elderly ? randomDate(r, 1938, 1952) : randomDate(r, 1960, 2000);
      const dates = partyDates(r, birthDate, today);
      memberSeq++;
      const m = await createMember(tx, who, {
        fullName: n.fullName,
        gender: n.gender,
        birthDate,
        phone: o.phone === undefined ? null : o.phone,
        email: null,
        phoneKind: o.phoneKind ?? (o.phone ? 'smartphone' : 'none'),
        cardNumber: dates.standing === 'official' ? `${String(between(r, 10, 99))}${String(100000 + memberSeq).padStart(6, '0')}` : null,
        position: o.position ?? null,
        standing: dates.standing,
        joinedOn: dates.joinedOn,
        officialOn: dates.officialOn,
        exempt: o.exempt ?? false,
        unitId: cell.id,
      });
      counts.members++;
      return m;
    };

    // Party tree.
    const province = await unit(null, 'party_province', 'Tỉnh ủy Thái Bình', 'TB', 'Tỉnh ủy');
    for (const b of ['Ban Tổ chức Tỉnh ủy', 'Ban Tuyên giáo Tỉnh ủy', 'Ban Dân vận Tỉnh ủy', 'Văn phòng Tỉnh ủy']) await unit(province, 'party_board', b);
    const provinceCell = await unit(province, 'cell', 'Chi bộ Văn phòng Tỉnh ủy', 'TB-VPTU');
    const city = await unit(province, 'party_district', 'Thành ủy Thái Bình', 'TB-TP', 'Thành ủy');
    const cityCell = await unit(city, 'cell', 'Chi bộ Văn phòng Thành ủy', 'TB-TP-VP');

    // Province and city staff (members of their office cells).
    const staff = async (cell: Unit, name: string, gender: 'male' | 'female', username: string, roles: [Role, Unit | null][], position: string) => {
      const m = await member(cell, { fullName: name, gender, phone: null, phoneKind: 'smartphone', position });
      return account(m.personId, roles, username);
    };
    await staff(provinceCell, 'Phạm Văn Tuấn', 'male', 'bantochuc', [['unit_admin', province], ['committee_member', province]], 'Trưởng Ban Tổ chức Tỉnh ủy');
    await staff(provinceCell, 'Phạm Đông Thụy', 'male', 'bantuyengiao', [['committee_member', province]], 'Trưởng Ban Tuyên giáo Tỉnh ủy');
    await staff(provinceCell, 'Nguyễn Thị Thu Hà', 'female', 'vanthu.tinhuy', [['office_clerk', province]], 'Chuyên viên Văn phòng Tỉnh ủy');
    await staff(cityCell, 'Trần Văn Hùng', 'male', 'thanhuy.quantri', [['unit_admin', city], ['committee_member', city]], 'Phó Trưởng Ban Tổ chức Thành ủy');
    await staff(cityCell, 'Lê Thị Minh Phương', 'female', 'vanthu.thanhuy', [['office_clerk', city]], 'Văn thư Thành ủy');
    await member(cityCell, {});
    await member(cityCell, {});

    // Communes and their cells.
    let cellIndex = 0;
    let otherPhone = 0;
    for (const c of COMMUNES) {
      const commune = await unit(city, 'party_grassroots', c.party, c.code);
      const cells: Unit[] = [];
      for (const cp of c.cells) cells.push(await unit(commune, 'cell', cp.name, cp.code, cp.pilot ? 'Chi bộ thí điểm' : undefined));
      for (const [i, cell] of cells.entries()) {
        const size = between(r, 10, 20);
        cellIndex++;
        const sec = await member(cell, { phone: `091200020${cellIndex}`, position: 'Bí thư chi bộ' });
        await account(sec.personId, [['cell_secretary', cell]]);
        const deputy = await member(cell, { phone: `091300020${cellIndex}`, position: 'Phó bí thư chi bộ' });
        await account(deputy.personId, [['cell_deputy', cell]]);
        if (i === 0) {
          const committee = await member(cell, { phone: c.committeePhone!, position: `Bí thư ${c.party}` });
          await account(committee.personId, [['committee_member', commune]]);
          const clerk = await member(cell, { phone: c.clerkPhone!, position: `Văn phòng ${c.party}` });
          await account(clerk.personId, [['office_clerk', commune]]);
        }
        // An elderly couple sharing one basic phone, a retired member without a phone (exempt).
        const sharedPhone = `098700000${cellIndex}`;
        const husband = await member(cell, { fullName: 'Nguyễn Văn Thọ', gender: 'male', elderly: true, phone: sharedPhone, phoneKind: 'basic' });
        const wife = await member(cell, { fullName: 'Trần Thị Lụa', gender: 'female', elderly: true, phone: sharedPhone, phoneKind: 'basic' });
        await account(husband.personId, []);
        await account(wife.personId, []);
        const noPhone = await member(cell, { elderly: true, phone: null, phoneKind: 'none', exempt: true });
        await account(noPhone.personId, []);
        const first = await member(cell, { phone: `091200030${cellIndex}` });
        await account(first.personId, []);
        const already = 6 + (i === 0 ? 2 : 0);
        for (let k = already; k < size; k++) {
          const elderly = r() < 0.35;
          const hasPhone = !elderly || r() < 0.5;
          const m = await member(cell, { elderly, phone: hasPhone ? `0914${String(100000 + ++otherPhone)}` : null, phoneKind: hasPhone ? 'smartphone' : 'none', exempt: elderly && r() < 0.3 });
          if (hasPhone) await account(m.personId, []);
        }
      }
    }

    // State tree.
    const ubndTinh = await unit(null, 'people_committee', 'UBND tỉnh Thái Bình', 'TB-UBND', 'UBND tỉnh');
    const bodies = new Map<string, Unit>();
    for (const [name, kind] of STATE_BODIES) bodies.set(name, await unit(ubndTinh, kind, name));
    await unit(bodies.get('Sở Y tế')!, 'agency', 'Trung tâm Kiểm soát bệnh tật tỉnh');
    const ubndTp = await unit(ubndTinh, 'people_committee', 'UBND thành phố Thái Bình', 'TB-UBND-TP');
    await unit(ubndTinh, 'people_committee', 'UBND huyện Thái Thụy');
    for (const c of COMMUNES) await unit(ubndTp, 'people_committee', c.state);
    await unit(null, 'front', 'Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Thái Bình', 'TB-MTTQ', 'Mặt trận Tổ quốc tỉnh');
    // State staff: people with accounts but no party record in the demo.
    const vpUbnd = await createPerson(tx, who, { fullName: 'Đỗ Thị Hồng Nhung', gender: 'female', birthDate: isoDate(1985, 4, 12), phone: null, email: null, phoneKind: 'smartphone' });
    await account(vpUbnd.id, [['office_clerk', ubndTinh]], 'vanthu.ubnd');
    const ubndAdmin = await createPerson(tx, who, { fullName: 'Vũ Minh Quang', gender: 'male', birthDate: isoDate(1980, 8, 2), phone: null, email: null, phoneKind: 'smartphone' });
    await account(ubndAdmin.id, [['unit_admin', ubndTinh]], 'quantri.ubnd');
    // The office of Sở Thông tin và Truyền thông: a state body the party's directives give tasks to (seed 001).
    const stttt = await createPerson(tx, who, { fullName: 'Trần Thị Thanh Hương', gender: 'female', birthDate: isoDate(1987, 11, 3), phone: null, email: null, phoneKind: 'smartphone' });
    await account(stttt.id, [['office_clerk', bodies.get('Sở Thông tin và Truyền thông')!]], 'vanthu.stttt');

    // Outside issuers.
    for (const name of OUTSIDE_ISSUERS) await unit(null, 'external_issuer', name);

    // The system administrator.
    const admin = await createPerson(tx, who, { fullName: 'Hoàng Quốc Khánh', gender: 'male', birthDate: isoDate(1988, 1, 20), phone: null, email: null, phoneKind: 'smartphone' });
    await account(admin.id, [['system_admin', null]], 'admin');

    // The seed documents, registered and cross-linked (demo/seeds).
    const documents = await seedDemoDocuments(tx);
    // What the province and a commune have already sent to the cells (src/distribution).
    await seedDemoPublications(tx);
    // The daily COVID-19 situation report, with a week of the communes' submissions.
    const reports = await seedDemoReports(tx, today);
    await audit(tx, who, { action: 'system.seed_demo', entityType: 'system', after: { ...counts, documents, reports } });
    return { ...counts, skipped: false as const };
  });
}
