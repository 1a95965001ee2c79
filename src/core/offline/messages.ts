import { defineMessages } from '../i18n/i18n.ts';

export const offlineMessages = defineMessages(
  {
    appName: 'Sổ tay đảng viên',
    shortName: 'Sổ tay',
    description: 'Văn bản, sinh hoạt chi bộ và công việc của đảng viên, đọc được cả khi không có mạng.',
    page: {
      title: 'Không có kết nối mạng',
      lead: 'Điện thoại chưa kết nối được với Sổ tay, và trang này chưa được lưu để đọc khi không có mạng.',
      saved: 'Các văn bản chưa đọc và văn bản đã đánh dấu được lưu sẵn trên điện thoại mỗi khi đồng chí mở trang chủ hoặc "Văn bản của tôi" lúc có mạng.',
      queued: 'Việc xác nhận "Tôi đã đọc" khi không có mạng được lưu lại và tự gửi khi có mạng.',
      retry: 'Khi có mạng, hãy mở lại trang.',
      myDocuments: 'Văn bản của tôi',
      home: 'Trang chủ',
    },
  },
  {
    appName: 'Party member handbook',
    shortName: 'Sổ tay',
    description: "A party member's documents, cell meetings and tasks, readable without a connection too.",
    page: {
      title: 'No connection',
      lead: 'This phone cannot reach Sổ tay right now, and this page has not been saved for reading offline.',
      saved: 'Unread and bookmarked documents are saved on the phone whenever you open the home page or "My documents" while online.',
      queued: '"I have read it" pressed while offline is kept and sent when the connection returns.',
      retry: 'Open the page again once you are back online.',
      myDocuments: 'My documents',
      home: 'Home',
    },
  },
);
