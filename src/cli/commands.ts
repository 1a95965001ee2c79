// Implementations of the database-backed CLI commands.
import { loadConfig } from '../core/config.ts';
import { prepareDatabase, startServer } from '../server.ts';
import { seedDemo } from '../demo/demo.ts';
import { args } from './args.ts';


export async function serve(argv: string[]): Promise<number> {
  const { values } = args(argv, { 'seed-demo': { type: 'boolean' }, 'no-seed-demo': { type: 'boolean' } });
  const config = loadConfig();
  if (values['seed-demo']) config.seedDemo = true;
  if (values['no-seed-demo']) config.seedDemo = false;
  let server;
  try {
    server = await startServer(config);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      process.stderr.write(`Lỗi: cổng ${config.port} đang được một chương trình khác dùng. Hãy dừng chương trình đó, hoặc chạy với cổng khác, ví dụ: PORT=3001 npm start\n`);
      return 1;
    }
    if ((e as NodeJS.ErrnoException).code === 'EACCES') {
      process.stderr.write(`Lỗi: không có quyền mở cổng ${config.port}. Hãy dùng cổng từ 1024 trở lên, ví dụ: PORT=3000 npm start\n`);
      return 1;
    }
    throw e;
  }
  await new Promise<void>((resolve) => {
    let signalled = false;
    const onSignal = (sig: string) => {
      if (signalled) return;
      signalled = true;
      server.app.log.info(`received ${sig}, shutting down`);
      const force = setTimeout(() => process.exit(1), 15_000);
      force.unref();
      void server.stop().then(resolve);
    };
    process.once('SIGINT', () => onSignal('SIGINT'));
    process.once('SIGTERM', () => onSignal('SIGTERM'));
  });
  return 0;
}

export async function migrate(argv: string[]): Promise<number> {
  args(argv, {});
  const database = await prepareDatabase(loadConfig(), 'migrate');
  await database.close();
  process.stdout.write('Đã cập nhật cấu trúc cơ sở dữ liệu.\n');
  return 0;
}

export async function seedDemoCommand(argv: string[]): Promise<number> {
  args(argv, {});
  const database = await prepareDatabase(loadConfig(), 'seed-demo');
  try {
    const r = await seedDemo(database.db);
    if (r.skipped === 'real_data') {
      process.stderr.write('Cơ sở dữ liệu này đã có dữ liệu thật (đơn vị hoặc tài khoản): không nạp dữ liệu mẫu vào đó.\n');
      return 1;
    }
    process.stdout.write(r.skipped ? 'Dữ liệu mẫu đã có sẵn, không nạp lại.\n' : `Đã nạp dữ liệu mẫu: ${r.units} đơn vị, ${r.members} đảng viên, ${r.accounts} tài khoản.\n`);
  } finally {
    await database.close();
  }
  return 0;
}
