// `sotay demo-data --members N [--cells C] [--seed S] [--json]`: writes a synthetic province
// into the configured database (DATABASE_URL, or the embedded one in SOTAY_DATA_DIR, whose lock
// it takes), with progress on stderr and the row counts as the last line of stdout.
import { loadConfig } from '../config.ts';
import { prepareDatabase } from '../../server.ts';
import { args } from '../../cli/args.ts';
import { UsageError } from '../../cli/main.ts';
import { DEFAULT_SEED, MAX_MEMBERS, defaultCells, generateProvince, provinceName, type ProvincePhase, type ProvinceProgress } from './generator.ts';

const HELP = `Cách dùng: sotay demo-data --members N [--cells C] [--seed S] [--json]

Sinh một tỉnh tổng hợp (để đo hiệu năng và thử nghiệm) vào cơ sở dữ liệu đang cấu hình
(DATABASE_URL, hoặc cơ sở dữ liệu nhúng trong SOTAY_DATA_DIR), cạnh dữ liệu đã có:
tỉnh → huyện → xã/phường → chi bộ, đảng viên (có người cao tuổi, miễn sinh hoạt, không có điện thoại),
mỗi đảng viên một tài khoản chưa có mật khẩu (chưa đăng nhập được cho đến khi được đặt mật khẩu),
mỗi chi bộ một bí thư. Cùng seed thì cùng dữ liệu.

  --members N   số đảng viên (1 … ${MAX_MEMBERS})
  --cells C     số chi bộ (mặc định: N/37, như Thái Bình ~4.000 chi bộ cho ~150.000 đảng viên)
  --seed S      số nguyên 0 … 2147483647 (mặc định ${DEFAULT_SEED}); đơn vị gốc tên "${provinceName(DEFAULT_SEED)}"
  --json        dòng cuối (số dòng đã tạo) in dạng JSON
`;

const PHASES: Record<ProvincePhase, string> = {
  plan: 'lập dữ liệu',
  units: 'đơn vị',
  people: 'người',
  members: 'hồ sơ đảng viên',
  accounts: 'tài khoản',
  roles: 'vai trò',
  events: 'lịch sử',
  analyze: 'cập nhật thống kê',
};

const fmt = (n: number) => n.toLocaleString('vi-VN');
const seconds = (ms: number) => (ms / 1000).toLocaleString('vi-VN', { maximumFractionDigits: 1 });

function count(raw: string | undefined, flag: string, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const clean = raw.trim();
  if (!/^\d+$/.test(clean)) throw new UsageError(`${flag} phải là một số nguyên dương (nhận được "${raw}").`);
  const n = Number(clean);
  if (n < 1 || n > max) throw new UsageError(`${flag} phải nằm trong khoảng 1 … ${fmt(max)} (nhận được ${fmt(n)}).`);
  return n;
}

export async function demoDataCommand(argv: string[]): Promise<number> {
  const { values } = args(argv, { members: { type: 'string' }, cells: { type: 'string' }, seed: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const members = count(values.members, '--members', MAX_MEMBERS);
  if (members === undefined) throw new UsageError('Thiếu --members N: số đảng viên cần sinh (ví dụ --members 150000).');
  const cells = count(values.cells, '--cells', MAX_MEMBERS);
  if (cells !== undefined && cells > members) throw new UsageError(`--cells (${fmt(cells)}) không được lớn hơn --members (${fmt(members)}): mỗi chi bộ cần ít nhất một đảng viên.`);
  let seed = DEFAULT_SEED;
  if (values.seed !== undefined) {
    if (!/^\d+$/.test(values.seed.trim()) || Number(values.seed) > 2_147_483_647) throw new UsageError(`--seed phải là số nguyên từ 0 đến 2147483647 (nhận được "${values.seed}").`);
    seed = Number(values.seed);
  }

  const database = await prepareDatabase(loadConfig(), 'demo-data');
  try {
    const started = Date.now();
    let shownTenth = -1;
    const onProgress = (p: ProvinceProgress) => {
      const tenth = p.total ? Math.floor((p.done / p.total) * 10) : 0;
      if (p.phase === 'plan') process.stderr.write(`demo-data: ${PHASES.plan} ${fmt(members)} đảng viên, ${fmt(cells ?? defaultCells(members))} chi bộ, seed ${seed} (${database.kind})…\n`);
      else if (p.phase === 'analyze') process.stderr.write(`demo-data: ${PHASES.analyze}… (${seconds(Date.now() - started)} giây)\n`);
      else if (tenth > shownTenth) {
        shownTenth = tenth;
        process.stderr.write(`demo-data: ${String(tenth * 10).padStart(3)}% — ${PHASES[p.phase]} (${fmt(p.done)}/${fmt(p.total)} dòng, ${seconds(Date.now() - started)} giây)\n`);
      }
    };
    const made = await generateProvince(database.db, database.kind, { members, cells, seed, onProgress });
    const c = made.counts;
    if (values.json) {
      process.stdout.write(
        JSON.stringify({ db: database.kind, seed, rootId: made.root.id, name: made.root.name, units: c.units, people: c.people, members: c.members, accounts: c.accounts, roles: c.roles, events: c.events, ms: made.ms }) + '\n',
      );
    } else {
      process.stdout.write(
        `${made.root.name}: đơn vị gốc mã số ${made.root.id} — ${fmt(made.districts.length)} huyện, ${fmt(made.communes.length)} xã/phường, ${fmt(made.cells.length)} chi bộ. ` +
          `Tài khoản chưa có mật khẩu: đặt lại mật khẩu để đăng nhập.\n` +
          `Đã tạo ${fmt(c.units)} đơn vị, ${fmt(c.people)} người, ${fmt(c.members)} đảng viên, ${fmt(c.accounts)} tài khoản, ${fmt(c.roles)} vai trò trong ${seconds(made.ms)} giây.\n`,
      );
    }
  } finally {
    await database.close();
  }
  return 0;
}
