// The shared spreadsheet module, without a database: formats by content, header detection,
// the cell types hand-kept files mix, and what the writers produce.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { cellDate, cellPhone, cellText, detectSpreadsheetFormat, readCsv, readTable, readXlsx, SpreadsheetError, writeCsv, writeXlsx, type ColumnSpec } from './index.ts';

const SPECS: ColumnSpec<'name' | 'born' | 'phone'>[] = [
  { key: 'name', label: 'Họ và tên', aliases: ['Họ tên'] },
  { key: 'born', label: 'Ngày sinh' },
  { key: 'phone', label: 'Điện thoại', aliases: ['Số điện thoại', 'SĐT'] },
];

async function workbook(build: (ws: ExcelJS.Worksheet) => void): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  build(wb.addWorksheet('Danh sách'));
  return Buffer.from(await wb.xlsx.writeBuffer());
}

function reason(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof SpreadsheetError) return e.problem.reason;
    throw e;
  }
  return undefined;
}

async function reasonAsync(fn: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof SpreadsheetError) return e.problem.reason;
    throw e;
  }
  return undefined;
}

describe('cell values', () => {
  test('dates: Excel dates, serial numbers, dd/mm/yyyy text, digits', () => {
    assert.equal(cellDate(new Date(Date.UTC(1975, 8, 2))), '1975-09-02');
    assert.equal(cellDate(new Date(Date.UTC(1975, 8, 1, 23, 59, 59, 999))), '1975-09-02');
    assert.equal(cellDate(27639), '1975-09-02');
    assert.equal(cellDate('02/09/1975'), '1975-09-02');
    assert.equal(cellDate('2/9/1975'), '1975-09-02');
    assert.equal(cellDate('02.09.1975'), '1975-09-02');
    assert.equal(cellDate('1975-09-02'), '1975-09-02');
    assert.equal(cellDate('02/09/1975 00:00:00'), '1975-09-02');
    assert.equal(cellDate(2091975), '1975-09-02');
    assert.equal(cellDate('02091975'), '1975-09-02');
    assert.equal(cellDate(19750902), '1975-09-02');
    assert.equal(cellDate('31/02/1975'), '31/02/1975', 'an impossible date is kept as written for the validator');
    assert.equal(cellDate(null), null);
  });

  test('phones: the lost leading zero comes back for 9-digit mobiles; apostrophes go', () => {
    assert.equal(cellPhone(912000301), '0912000301');
    assert.equal(cellPhone('912000301'), '0912000301');
    assert.equal(cellPhone("'0912000301"), '0912000301');
    assert.equal(cellPhone('0912 000 301'), '0912 000 301');
    assert.equal(cellPhone(84912000301), '84912000301');
    assert.equal(cellPhone(123456789), '123456789', 'not a mobile prefix: left for the validator');
    assert.equal(cellText(123456789012), '123456789012');
  });
});

describe('formats by content', () => {
  test('refuses other files with a specific reason', async () => {
    assert.equal(reason(() => detectSpreadsheetFormat(Buffer.alloc(0))), 'empty');
    assert.equal(reason(() => detectSpreadsheetFormat(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]))), 'xls');
    assert.equal(reason(() => detectSpreadsheetFormat(Buffer.from('%PDF-1.7\n...'))), 'pdf');
    assert.equal(reason(() => detectSpreadsheetFormat(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))), 'image');
    assert.equal(reason(() => detectSpreadsheetFormat(Buffer.from('<html><table><tr><td>x</td></tr></table></html>'), 'ds.xls')), 'html');
    assert.equal(reason(() => detectSpreadsheetFormat(Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.from('....word/document.xml....')]))), 'word');
    assert.equal(reason(() => detectSpreadsheetFormat(Buffer.from([0x00, 0x01, 0x02, 0x03]), 'x.bin')), 'unsupported');
    assert.equal(reason(() => detectSpreadsheetFormat(Buffer.from('{"a":1}'), 'x.json')), 'unsupported');
    const xlsx = await workbook((ws) => ws.addRow(['Họ và tên']));
    assert.equal(detectSpreadsheetFormat(xlsx, 'whatever.bin'), 'xlsx');
    assert.equal(detectSpreadsheetFormat(Buffer.from('Họ và tên,Ngày sinh\n'), 'a.csv'), 'csv');
  });

  test('a damaged workbook is refused as corrupt, not as a crash', async () => {
    const xlsx = await workbook((ws) => {
      ws.addRow(['Họ và tên', 'Ngày sinh']);
      for (let i = 0; i < 50; i++) ws.addRow([`Nguyễn Văn ${i}`, '01/01/1970']);
    });
    assert.equal(await reasonAsync(() => readTable(xlsx.subarray(0, Math.floor(xlsx.length * 0.6)), SPECS, { fileName: 'a.xlsx' })), 'corrupt');
    assert.equal(await reasonAsync(() => readTable(Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(100, 7)]), SPECS, { fileName: 'a.xlsx' })), 'corrupt');
  });
});

describe('reading', () => {
  test('xlsx: title rows above the header, headers without diacritics, rich text, formulas, numbers', async () => {
    const xlsx = await workbook((ws) => {
      ws.addRow(['DANH SÁCH ĐẢNG VIÊN CHI BỘ THÔN ĐÔNG THỌ']);
      ws.addRow([]);
      ws.addRow(['STT', 'ho ten', 'NGAY SINH', 'So dien thoai', 'Ghi chú']);
      ws.addRow([1, { richText: [{ text: 'Nguyễn ' }, { text: 'Văn Thọ', font: { bold: true } }] }, new Date(Date.UTC(1950, 0, 5)), 912000301, '']);
      ws.addRow([]);
      ws.addRow([2, 'Trần Thị Lụa', { formula: 'DATE(1952,3,4)', result: new Date(Date.UTC(1952, 2, 4)) }, "'0912000302", 'vợ']);
    });
    const t = await readTable(xlsx, SPECS, { required: ['name'] });
    assert.equal(t.format, 'xlsx');
    assert.equal(t.header.rowNumber, 3);
    assert.deepEqual(t.header.columns.map((c) => c.key), ['name', 'born', 'phone']);
    assert.deepEqual(t.header.unknown.map((c) => c.header), ['STT', 'Ghi chú']);
    assert.deepEqual(t.rows.map((r) => r.rowNumber), [4, 6]);
    assert.equal(t.rows[0]!.values.name, 'Nguyễn Văn Thọ');
    assert.equal(cellDate(t.rows[0]!.values.born ?? null), '1950-01-05');
    assert.equal(cellPhone(t.rows[0]!.values.phone ?? null), '0912000301');
    assert.equal(cellDate(t.rows[1]!.values.born ?? null), '1952-03-04');
    assert.equal(cellPhone(t.rows[1]!.values.phone ?? null), '0912000302');
  });

  test('a named sheet, or a clear refusal when it is absent', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Bìa').addRow(['Báo cáo']);
    wb.addWorksheet('Đảng viên').addRow(['Họ và tên', 'Ngày sinh']);
    const buf = Buffer.from(await wb.xlsx.writeBuffer());
    assert.equal((await readXlsx(buf)).name, 'Bìa');
    assert.equal((await readXlsx(buf, { sheet: 'dang vien' })).name, 'Đảng viên');
    assert.equal(await reasonAsync(() => readXlsx(buf, { sheet: 'Khác' })), 'noSheet');
  });

  test('no header row, no data rows: clear refusals', async () => {
    assert.equal(await reasonAsync(() => readTable(Buffer.from('a,b,c\n1,2,3\n'), SPECS, { required: ['name'] })), 'noHeader');
    assert.equal(await reasonAsync(() => readTable(Buffer.from('Họ và tên,Ngày sinh\n'), SPECS, { required: ['name'] })), 'noRows');
  });

  test('csv: BOM, comma or semicolon, Excel "sep=" line, UTF-16, quotes; non-UTF-8 refused', async () => {
    const semi = readCsv(Buffer.from('\uFEFFHọ và tên;Ngày sinh\r\n"Nguyễn Văn ""Ba""";02/09/1975\r\n', 'utf8'));
    assert.deepEqual(semi.rows[1]!.cells, ['Nguyễn Văn "Ba"', '02/09/1975']);
    const comma = readCsv(Buffer.from('Họ và tên,Ngày sinh\nNguyễn Văn Ba,"02/09/1975"\n\nTrần Thị Tư,\n'));
    assert.deepEqual(comma.rows.map((r) => r.rowNumber), [1, 2, 4]);
    const sep = readCsv(Buffer.from('sep=;\nHọ và tên;Ngày sinh\nA B;1/1/1970\n'));
    assert.deepEqual(sep.rows.map((r) => [r.rowNumber, r.cells[0]]), [[2, 'Họ và tên'], [3, 'A B']]);
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Họ và tên\tNgày sinh\r\nĐỗ Thị Hà\t1/1/1970\r\n', 'utf16le')]);
    assert.equal(readCsv(utf16).rows[1]!.cells[0], 'Đỗ Thị Hà');
    const latin = Buffer.from([0x48, 0x6f, 0x20, 0xe0, 0x2c, 0x62, 0x0a]);
    assert.equal(reason(() => readCsv(latin)), 'encoding');
    assert.equal(reason(() => readCsv(Buffer.from('Họ và tên,Ngày sinh\n"Nguyễn Văn A,1/1/1970\n'))), 'csvMalformed');
  });

  test('too many rows is refused', () => {
    const text = 'Họ và tên\n' + Array.from({ length: 20 }, (_, i) => `Nguyễn Văn ${i}`).join('\n');
    assert.equal(reason(() => readCsv(Buffer.from(text), { maxRows: 10 })), 'tooManyRows');
  });
});

describe('writing', () => {
  type R = { name: string; born: string | null; phone: string | null; n: number };
  const rows: R[] = [
    { name: 'Nguyễn Văn Thọ', born: '1950-01-05', phone: '0912000301', n: 1 },
    { name: '=HYPERLINK("x")', born: null, phone: null, n: 2 },
  ];
  const columns = [
    { header: 'Họ và tên', type: 'text' as const, value: (r: R) => r.name },
    { header: 'Ngày sinh', type: 'date' as const, value: (r: R) => r.born },
    { header: 'Điện thoại', type: 'text' as const, value: (r: R) => r.phone },
    { header: 'Số', type: 'number' as const, value: (r: R) => r.n },
  ];

  test('xlsx: bold frozen header, fitted widths, real dates as dd/mm/yyyy, phones as text', async () => {
    async function* source() {
      yield* rows;
    }
    const buf = await writeXlsx([{ name: 'Đảng viên: Chi bộ/1', columns, rows: source() }]);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(buf as never);
    const ws = wb.worksheets[0]!;
    assert.equal(ws.name, 'Đảng viên  Chi bộ 1');
    assert.equal(ws.views[0]?.state, 'frozen');
    assert.equal((ws.views[0] as { ySplit?: number }).ySplit, 1);
    assert.equal(ws.getRow(1).getCell(1).font?.bold, true);
    assert.ok((ws.getColumn(1).width ?? 0) >= 'Nguyễn Văn Thọ'.length);
    const born = ws.getRow(2).getCell(2);
    assert.ok(born.value instanceof Date);
    assert.equal(born.numFmt, 'dd/mm/yyyy');
    assert.equal(ws.getRow(2).getCell(3).value, '0912000301');
    assert.equal(ws.getRow(3).getCell(1).value, '=HYPERLINK("x")', 'text is stored as text, never as a formula');
    const back = await readTable(buf, SPECS);
    assert.equal(cellDate(back.rows[0]!.values.born ?? null), '1950-01-05');
  });

  test('csv: UTF-8 with BOM, dates dd/mm/yyyy, formula-looking text neutralised, reads back', async () => {
    const buf = await writeCsv(columns, rows);
    assert.deepEqual([...buf.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    const text = buf.toString('utf8');
    assert.match(text, /Nguyễn Văn Thọ,05\/01\/1950,0912000301,1\r\n/);
    assert.match(text, /"'=HYPERLINK\(""x""\)"/);
    const back = readCsv(buf);
    assert.equal(back.rows[1]!.cells[0], 'Nguyễn Văn Thọ');
  });
});
