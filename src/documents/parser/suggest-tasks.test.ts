// Task suggestions from numbered items (synthetic directives).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findAssignees, findDeadline, suggestTasks } from './suggest-tasks.ts';

const BODY = `Để triển khai kịp thời, Chủ tịch UBND huyện yêu cầu:
1. Giao Phòng Tài nguyên và Môi trường chủ trì, phối hợp với Phòng Nông nghiệp, UBND các xã rà soát diện tích, báo cáo trước ngày 20/11/2023.
2. Công an huyện, Ban Chỉ huy Quân sự huyện tăng cường tuần tra, tổng hợp tình hình gửi về Văn phòng trước 16h30' hằng ngày.
3. Tiêm chủng:
- Trung tâm Y tế huyện tổ chức tiêm bổ sung trước ngày 5 tháng 12 năm 2023.
- Các trường học phối hợp lập danh sách học sinh.
4. Tiếp tục tuyên truyền để người dân thực hiện tốt đời sống hằng ngày.
5. Các phòng, ban chuyên môn hoàn thành báo cáo năm trong tháng 12/2023.
II. TỔ CHỨC THỰC HIỆN
1. Văn phòng theo dõi chung.`;

test('one task per numbered item, with lead, support and deadline', () => {
  const tasks = suggestTasks({ body: BODY, date: '2023-11-10' });
  const byItem = new Map<string, (typeof tasks)[number]>();
  for (const t of tasks) if (!byItem.has(t.item)) byItem.set(t.item, t);
  const t1 = byItem.get('1');
  assert.deepEqual(t1?.lead, ['Phòng Tài nguyên và Môi trường']);
  assert.deepEqual(t1?.support, ['Phòng Nông nghiệp', 'UBND các xã']);
  assert.deepEqual(t1?.deadline, { kind: 'date', date: '2023-11-20', time: null });
  const t2 = byItem.get('2');
  assert.deepEqual(t2?.lead, ['Công an huyện', 'Ban Chỉ huy Quân sự huyện']);
  assert.deepEqual(t2?.deadline, { kind: 'recurring', every: 'day', time: '16:30' });
  // Item 3 names no unit: one task per dash that does.
  assert.deepEqual(byItem.get('3.1')?.lead, ['Trung tâm Y tế huyện']);
  assert.deepEqual(byItem.get('3.1')?.deadline, { kind: 'date', date: '2023-12-05', time: null });
  assert.deepEqual(byItem.get('3.2')?.lead, ['Các trường học']);
  assert.equal(byItem.has('3'), false);
  // No unit and no deadline ("đời sống hằng ngày" is not one): not suggested.
  assert.equal(byItem.has('4'), false);
  assert.deepEqual(byItem.get('5')?.deadline, { kind: 'date', date: '2023-12-31', time: null });
  // Items after a new roman-numbered section are read too.
  assert.equal(tasks.filter((t) => t.item === '1').length, 2);
});

test('deadlines: printed forms and a year taken from the document date', () => {
  assert.deepEqual(findDeadline('hoàn thành trước 01/10/2021')?.deadline, { kind: 'date', date: '2021-10-01', time: null });
  assert.deepEqual(findDeadline('gửi báo cáo trước ngày 15/10', '2021-09-20')?.deadline, { kind: 'date', date: '2021-10-15', time: null });
  assert.deepEqual(findDeadline('chậm nhất là ngày 3/4/2022')?.deadline, { kind: 'date', date: '2022-04-03', time: null });
  assert.deepEqual(findDeadline('báo cáo định kỳ hằng tuần')?.deadline, { kind: 'recurring', every: 'week', time: null });
  assert.equal(findDeadline('khẩn trương thực hiện'), null);
  assert.equal(findDeadline('trước ngày 31/2/2022'), null, 'an impossible date is not invented');
});

test('assignees: "Giao …", "Yêu cầu …", a heading ending with ":" and no unit at all', () => {
  assert.deepEqual(findAssignees('Giao Sở Tài chính chủ trì thẩm định.').lead, ['Sở Tài chính']);
  assert.deepEqual(findAssignees('Yêu cầu UBND xã Tân Lập thực hiện ngay các nội dung sau:').lead, ['UBND xã Tân Lập']);
  assert.deepEqual(findAssignees('Sở Giáo dục và Đào tạo, các huyện, thành phố:').lead, ['Sở Giáo dục và Đào tạo', 'các huyện, thành phố']);
  assert.deepEqual(findAssignees('Tiếp tục quán triệt sâu sắc các chỉ đạo.').lead, []);
});

test('the seed directives: "Giao Sở Y tế…", "UBND các huyện, thành phố…", units named further in an item, "trước 15h00\' hằng ngày", a date', async () => {
  const { readFileSync } = await import('node:fs');
  const { parseDocumentsWithText } = await import('./index.ts');
  const seed = (name: string) => {
    const [d] = parseDocumentsWithText(readFileSync(new URL(`../../../demo/seeds/${name}`, import.meta.url), 'utf8'));
    return suggestTasks({ body: d!.body, date: d!.document.date });
  };
  const thaiNguyen = new Map(seed('003_85149d26268d0f6b.txt').map((t) => [t.item, t]));
  assert.deepEqual(thaiNguyen.get('4')?.lead, ['Sở Y tế']);
  assert.deepEqual(thaiNguyen.get('6')?.lead, ['UBND các huyện, thành phố, thị xã']);
  assert.deepEqual(thaiNguyen.get('7')?.lead, ['Các sở, ban, ngành, đoàn thể', 'UBND các huyện, thành phố, thị xã']);
  assert.deepEqual(thaiNguyen.get('7')?.deadline, { kind: 'recurring', every: 'day', time: '15:00' });
  const namDinh = new Map(seed('002_d2642929b84c508e.txt').map((t) => [t.item, t]));
  assert.deepEqual([namDinh.get('2')?.lead, namDinh.get('2')?.support], [['Công an tỉnh', 'UBND các huyện, thành phố'], ['các ngành']]);
  assert.equal(namDinh.has('1'), false, 'an item that names no unit and no deadline is not a task');
  assert.deepEqual(namDinh.get('5.2')?.deadline, { kind: 'date', date: '2021-10-01', time: null });
  assert.deepEqual(findDeadline('gửi báo cáo về Sở Kế hoạch và Đầu tư trước ngày 15/10/2021 làm cơ sở')?.deadline, { kind: 'date', date: '2021-10-15', time: null });
});
