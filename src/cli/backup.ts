// `sotay backup FILE` and `sotay restore FILE`: a logical backup (gzip'd JSON lines, see
// src/core/backup/backup.ts) that works on both databases and across them.
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../core/config.ts';
import { databaseOptionsFromConfig, openDatabase, redactUrl, type Database } from '../core/db/client.ts';
import { prepareDatabase } from '../server.ts';
import { backupDatabase, readBackupHeader, restoreDatabase } from '../core/backup/backup.ts';
import { DomainError } from '../core/errors.ts';
import { UsageError } from './main.ts';
import { parseCommandLine } from './args.ts';

export const BACKUP_HELP = `Sao lưu và khôi phục toàn bộ dữ liệu.

  sotay backup FILE
      Ghi mọi bảng (kể cả nhật ký) ra FILE (JSON theo dòng, nén gzip), nhất quán tại một thời
      điểm. Không ghi đè tệp đã có. Tệp chứa dữ liệu cá nhân và mã băm mật khẩu: hãy giữ kín.

  sotay restore FILE
      Nạp bản sao lưu vào một cơ sở dữ liệu mới, chưa có dữ liệu (tự tạo cấu trúc nếu cần), trong
      một giao dịch: hoặc đủ hết, hoặc không ghi gì. Bản sao lưu từ cơ sở dữ liệu nhúng khôi phục
      được vào PostgreSQL và ngược lại — đây là cách chuyển bản thí điểm lên máy chủ chính thức:
        SOTAY_DATA_DIR=./data npx sotay backup sotay.jsonl.gz
        DATABASE_URL=postgres://… npx sotay restore sotay.jsonl.gz

Cơ sở dữ liệu nhúng chỉ mở được bởi một tiến trình: hãy dừng máy chủ trước khi chạy các lệnh này.
`;

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(bytes < 1024 * 1024 ? 2 : 1)} MB`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} giây`;

function fileArgument(argv: string[], example: string): string | null {
  const { values, positionals } = parseCommandLine(argv, { help: { type: 'boolean' } }, 1);
  if (values.help) return null;
  const [file] = positionals;
  if (!file) throw new UsageError(`Thiếu tên tệp, ví dụ: ${example}`);
  return path.resolve(file);
}

function describe(database: Database, config: { databaseUrl?: string | undefined; dataDir: string }): string {
  return database.kind === 'pglite' ? `cơ sở dữ liệu nhúng tại ${config.dataDir}` : `PostgreSQL ${redactUrl(config.databaseUrl!)}`;
}

function progress(verb: string): { onTable?: (table: string, rows: number) => void } {
  return process.stderr.isTTY ? { onTable: (table, rows) => process.stderr.write(`  ${verb} ${table}: ${rows} dòng\n`) } : {};
}

export async function backupCommand(argv: string[]): Promise<number> {
  const file = fileArgument(argv, 'sotay backup sotay-2025-01-31.jsonl.gz');
  if (!file) {
    process.stdout.write(BACKUP_HELP);
    return 0;
  }
  if (fs.existsSync(file)) throw new DomainError('conflict', `Tệp ${file} đã có. Hãy chọn một tên khác: bản sao lưu cũ không bị ghi đè.`);
  if (!fs.existsSync(path.dirname(file))) throw new DomainError('invalid', `Không có thư mục ${path.dirname(file)}.`);
  const config = loadConfig();
  if (!config.databaseUrl && !fs.existsSync(path.join(config.dataDir, 'pg')))
    throw new DomainError('not_found', `Chưa có cơ sở dữ liệu nhúng tại ${config.dataDir} (SOTAY_DATA_DIR): không có gì để sao lưu.`);
  // Opened as it is, without migrating: a backup records the database as it stands.
  const database = await openDatabase(databaseOptionsFromConfig(config, 'backup'));
  try {
    const r = await backupDatabase(database, file, progress('đã ghi'));
    process.stdout.write(
      `Đã sao lưu ${describe(database, config)}: ${r.header.tables.length} bảng, ${r.rows} dòng, vào ${file} (${mb(r.bytes)}, ${seconds(r.ms)}).\n` +
        'Tệp chứa dữ liệu cá nhân và mã băm mật khẩu: hãy giữ kín.\n',
    );
  } finally {
    await database.close();
  }
  return 0;
}

export async function restoreCommand(argv: string[]): Promise<number> {
  const file = fileArgument(argv, 'sotay restore sotay-2025-01-31.jsonl.gz');
  if (!file) {
    process.stdout.write(BACKUP_HELP);
    return 0;
  }
  // A wrong file is refused before any database is opened.
  const header = await readBackupHeader(file);
  const config = loadConfig();
  const database = await prepareDatabase(config, 'restore');
  try {
    const r = await restoreDatabase(database, file, progress('đã nạp'));
    const source = header.source === 'pglite' ? 'cơ sở dữ liệu nhúng' : 'PostgreSQL';
    process.stdout.write(`Đã khôi phục ${r.rows} dòng (${header.tables.length} bảng) từ bản sao lưu lúc ${header.createdAt} (${source}) vào ${describe(database, config)} trong ${seconds(r.ms)}.\n`);
  } finally {
    await database.close();
  }
  return 0;
}
