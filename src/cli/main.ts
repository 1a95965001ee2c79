// The `sotay` command line. Each command is loaded lazily so that, for example,
// `sotay parse` never opens a database.
import { ConfigError } from '../core/config.ts';
import { DataDirLockedError } from '../core/db/lock.ts';
import { DatabaseOpenError } from '../core/db/client.ts';
import { DomainError } from '../core/errors.ts';

type Command = { usage: string; summary: string; run: (args: string[]) => Promise<number> };

export class UsageError extends Error {}

const commands: Record<string, Command> = {
  serve: { usage: 'serve', summary: 'chạy máy chủ web (mặc định: cơ sở dữ liệu nhúng ./data, cổng 3000)', run: async (a) => (await import('./commands.ts')).serve(a) },
  migrate: { usage: 'migrate', summary: 'tạo/cập nhật cấu trúc cơ sở dữ liệu', run: async (a) => (await import('./commands.ts')).migrate(a) },
  'seed-demo': { usage: 'seed-demo', summary: 'nạp dữ liệu mẫu (Thái Bình) — một lần', run: async (a) => (await import('./commands.ts')).seedDemoCommand(a) },
  users: { usage: 'users create|reset …', summary: 'tạo tài khoản, đặt lại mật khẩu (xem: sotay users --help)', run: async (a) => (await import('./users.ts')).usersCommand(a) },
  backup: { usage: 'backup FILE', summary: 'sao lưu toàn bộ dữ liệu ra một tệp', run: async (a) => (await import('./backup.ts')).backupCommand(a) },
  restore: { usage: 'restore FILE', summary: 'khôi phục dữ liệu từ tệp sao lưu vào cơ sở dữ liệu trống', run: async (a) => (await import('./backup.ts')).restoreCommand(a) },
  'demo-data': { usage: 'demo-data --members N [--cells C] [--seed S] [--json]', summary: 'sinh một tỉnh tổng hợp (cho đo hiệu năng)', run: async (a) => (await import('../core/synthetic/cli.ts')).demoDataCommand(a) },
  bench: { usage: 'bench [--json] [--only NAME] [--db pglite|postgres|both]', summary: 'đo hiệu năng (xem bench/README.md)', run: async (a) => (await import('../../bench/run.ts')).benchCommand(a) },
  parse: { usage: 'parse FILE [--json]', summary: 'đọc tiêu đề văn bản (txt, docx, pdf), không cần cơ sở dữ liệu', run: async (a) => (await import('../documents/parser/cli.ts')).runParseCommand(a) },
};

export function registerCommand(name: string, command: Command): void {
  commands[name] = command;
}

function usage(): string {
  const width = Math.max(...Object.values(commands).map((c) => c.usage.length));
  return `Cách dùng: sotay <lệnh>\n\n${Object.values(commands)
    .map((c) => `  sotay ${c.usage.padEnd(width)}  ${c.summary}`)
    .join('\n')}\n\nBiến môi trường: DATABASE_URL (PostgreSQL), SOTAY_DATA_DIR (mặc định ./data), PORT (mặc định 3000).\n`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(usage());
    return 0;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`Lệnh không hợp lệ: "${name}".\n\n${usage()}`);
    return 2;
  }
  try {
    return await command.run(rest);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`${e.message}\nCách dùng: sotay ${command.usage}\n`);
      return 2;
    }
    if (e instanceof ConfigError || e instanceof DataDirLockedError || e instanceof DatabaseOpenError || e instanceof DomainError) {
      process.stderr.write(`Lỗi: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}
