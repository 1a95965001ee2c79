// The zip-bomb guard on real archives: a workbook exceljs wrote passes; a part that inflates past
// the ceiling is refused even when its header declares it small; too many parts, ZIP64 markers
// and files that are not zips are refused; and readXlsx turns a bomb into the user's message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import ExcelJS from 'exceljs';
import { checkZipLimits, ZipGuardError } from './zip-guard.ts';
import { readXlsx } from '../xlsx/read.ts';
import { SpreadsheetError } from '../xlsx/errors.ts';

type Part = { name: string; data: Buffer; declaredSize?: number; stored?: boolean };

/** A minimal zip writer (no CRCs: the guard does not check them), so headers can be made to lie. */
function zip(parts: Part[], opts: { zip64?: boolean } = {}): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const p of parts) {
    const name = Buffer.from(p.name);
    const body = p.stored ? p.data : zlib.deflateRawSync(p.data);
    const size = p.declaredSize ?? p.data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(p.stored ? 0 : 8, 8);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(p.stored ? 0 : 8, 10);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(opts.zip64 ? 0xffffffff : size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += 30 + name.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const small = { maxEntries: 10, maxTotalBytes: 1024 * 1024 };
const refused = (buf: Buffer, problem: string, limits = small) =>
  assert.throws(
    () => checkZipLimits(buf, limits),
    (e: unknown) => e instanceof ZipGuardError && e.problem === problem,
  );

test('a workbook exceljs wrote passes, and its real inflated size is counted', async () => {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Đảng viên');
  for (let i = 0; i < 500; i++) ws.addRow([i + 1, `Nguyễn Văn ${i}`, '01/01/1960']);
  const buf = Buffer.from(await wb.xlsx.writeBuffer());
  const total = checkZipLimits(buf);
  assert.ok(total > buf.length, `${total} bytes inflated from ${buf.length}`);
});

test('parts that inflate past the ceiling are refused, even when the header declares them small', () => {
  const zeros = Buffer.alloc(3 * 1024 * 1024);
  assert.ok(zip([{ name: 'xl/worksheets/sheet1.xml', data: zeros }]).length < 10_000, 'a real bomb: tiny on disk');
  refused(zip([{ name: 'xl/worksheets/sheet1.xml', data: zeros }]), 'too_large');
  refused(zip([{ name: 'xl/worksheets/sheet1.xml', data: zeros, declaredSize: 100 }]), 'too_large');
  // Several parts that are each under the ceiling but not together.
  const half = Buffer.alloc(600 * 1024);
  refused(zip([{ name: 'a.xml', data: half, declaredSize: 10 }, { name: 'b.xml', data: half, declaredSize: 10 }]), 'too_large');
  assert.equal(checkZipLimits(zip([{ name: 'a.xml', data: half }]), small), half.length);
});

test('too many parts, ZIP64 markers, damaged archives and non-zips are refused', () => {
  const parts = Array.from({ length: 11 }, (_, i) => ({ name: `p${i}.xml`, data: Buffer.from('<x/>') }));
  refused(zip(parts), 'too_many_entries');
  refused(zip([{ name: 'a.xml', data: Buffer.from('<x/>') }], { zip64: true }), 'unsupported');
  refused(Buffer.from('Số, Họ và tên\n1, Nguyễn Văn A\n'), 'not_zip');
  const ok = zip([{ name: 'a.xml', data: Buffer.from('<x/>'.repeat(100)) }]);
  const damaged = Buffer.from(ok);
  damaged.fill(0x41, 30 + 5, 30 + 20); // the deflate stream of the only part
  refused(damaged, 'corrupt');
  assert.equal(checkZipLimits(zip([{ name: 'a.txt', data: Buffer.from('stored'), stored: true }]), small), 6);
});

test('readXlsx answers a bomb with the user\'s message, before exceljs inflates anything', async () => {
  const bomb = zip([{ name: '[Content_Types].xml', data: Buffer.from('<Types/>') }, { name: 'xl/worksheets/sheet1.xml', data: Buffer.alloc(201 * 1024 * 1024), declaredSize: 1000 }]);
  await assert.rejects(readXlsx(bomb), (e: unknown) => e instanceof SpreadsheetError && e.problem.reason === 'inflatesTooLarge' && /giải nén lớn bất thường/.test(e.message));
});
