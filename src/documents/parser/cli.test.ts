// The `sotay parse` command run as a user would: `node bin/sotay.js parse FILE --json`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'sotay-parse-cli-'));

function run(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/sotay.js', 'parse', ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const DOC = `ỦY BAN NHÂN DÂN
XÃ AN HÒA
Số: 9/TB-UBND
An Hòa, ngày 3 tháng 1 năm 2025
THÔNG BÁO
Lịch trực Tết
Ủy ban nhân dân xã thông báo lịch trực Tết của cán bộ, công chức theo Kế hoạch số 2/KH-UBND như sau./.
Nơi nhận:
- Các thôn;
- Lưu: VT.
CHỦ TỊCH
Phạm Thị Lan
`;

test('--json: stdout is only the JSON, in the key order of the issue', () => {
  const file = join(dir, 'doc.txt');
  writeFileSync(file, DOC);
  const r = run(file, '--json');
  assert.equal(r.status, 0, r.stderr);
  const parsed = JSON.parse(r.stdout) as { documents: Array<Record<string, unknown>> };
  assert.deepEqual(Object.keys(parsed), ['documents']);
  assert.equal(parsed.documents.length, 1);
  const d = parsed.documents[0] ?? {};
  assert.deepEqual(Object.keys(d), [
    'number', 'symbol', 'kind', 'issuer', 'place', 'date', 'urgency', 'subject', 'signer', 'signer_title',
    'references', 'recipients', 'copies_to', 'received', 'secrecy',
  ]);
  assert.equal(d.number, '9/TB-UBND');
  assert.deepEqual(d.references, ['2/KH-UBND']);
});

test('a file without any document prints {"documents": []}', () => {
  const file = join(dir, 'news.md');
  writeFileSync(file, '**TIN TỨC**\n\nHôm qua trời mưa to, nhiều tuyến đường bị ngập nhưng giao thông vẫn thông suốt.\n');
  const r = run('--json', file);
  assert.equal(r.status, 0);
  assert.deepEqual(JSON.parse(r.stdout), { documents: [] });
});

test('without --json: a readable Vietnamese summary', () => {
  const file = join(dir, 'doc2.txt');
  writeFileSync(file, DOC);
  const r = run(file);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /tìm thấy 1 văn bản/);
  assert.match(r.stdout, /Thông báo số 9\/TB-UBND/);
  assert.match(r.stdout, /Người ký:\s+Phạm Thị Lan \(CHỦ TỊCH\)/);
});

test('missing, unsupported and absent arguments: non-zero exit, message on stderr, nothing on stdout', () => {
  const missing = run(join(dir, 'khong-co.txt'), '--json');
  assert.notEqual(missing.status, 0);
  assert.equal(missing.stdout, '');
  assert.match(missing.stderr, /Không tìm thấy tệp/);
  const xlsx = join(dir, 'bang.xlsx');
  writeFileSync(xlsx, 'x');
  const unsupported = run(xlsx, '--json');
  assert.notEqual(unsupported.status, 0);
  assert.equal(unsupported.stdout, '');
  assert.match(unsupported.stderr, /không được hỗ trợ/);
  const none = run('--json');
  assert.equal(none.status, 2);
  assert.match(none.stderr, /thiếu tên tệp/);
});
