// Configuration from the environment, validated once at start. A bad value stops the
// process with a message that says which variable is wrong and what is expected.
import path from 'node:path';
import { z } from 'zod';

const boolish = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', ''])
  .transform((v) => v === '1' || v === 'true' || v === 'yes');

const envSchema = z.object({
  PORT: z.coerce.number({ error: 'phải là một số cổng (1–65535), ví dụ 3000' }).int('phải là số nguyên').min(1, 'phải từ 1 đến 65535').max(65535, 'phải từ 1 đến 65535').default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'phải bắt đầu bằng postgres:// hoặc postgresql://')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  SOTAY_DATA_DIR: z.string().min(1).default('./data'),
  PUBLIC_URL: z.string().url('phải là một URL, ví dụ https://sotay.thaibinh.gov.vn').optional().or(z.literal('').transform(() => undefined)),
  SOTAY_SECURE_COOKIES: boolish.optional(),
  SOTAY_SEED_DEMO: boolish.optional(),
  SOTAY_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // How many reverse proxies stand in front (or their addresses, comma separated). Never "trust
  // everyone": the client could then choose its own address by sending X-Forwarded-For.
  SOTAY_TRUST_PROXY: z
    .string()
    .default('0')
    .transform((v, ctx) => {
      const s = v.trim().toLowerCase();
      if (s === '' || s === '0' || s === 'false' || s === 'no') return false as const;
      if (s === 'true' || s === 'yes') return 1;
      if (/^\d+$/.test(s) && Number(s) <= 10) return Number(s);
      const list = s.split(',').map((x) => x.trim()).filter(Boolean);
      const ip = (x: string) => /^\d{1,3}(\.\d{1,3}){3}(\/\d{1,2})?$/.test(x) || /^[0-9a-f:]*:[0-9a-f:]*(\/\d{1,3})?$/.test(x);
      if (list.length > 0 && list.every(ip)) return list;
      ctx.addIssue({ code: 'custom', message: 'phải là số proxy đứng trước (0–10) hoặc danh sách địa chỉ IP/CIDR của chúng, cách nhau bởi dấu phẩy' });
      return z.NEVER;
    }),
  SOTAY_WORKERS: boolish.default(true),
  SOTAY_MAX_UPLOAD_MB: z.coerce.number({ error: 'phải là một số (MB), ví dụ 20' }).positive('phải lớn hơn 0').max(200, 'tối đa 200').default(20),
  // Notifications (src/core/notify): email over SMTP, SMS through a provider's HTTP interface, Web Push's contact.
  SOTAY_SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/[^/\s]+/, 'phải có dạng smtp://người-dùng:mật-khẩu@máy-chủ:587 hoặc smtps://…:465')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  SOTAY_MAIL_FROM: z.string().regex(/^[^<>@\s]+@[^<>@\s]+$|^[^<>]*<[^<>@\s]+@[^<>@\s]+>$/, 'phải là một địa chỉ thư, ví dụ "Sổ tay <sotay@thaibinh.gov.vn>"').optional().or(z.literal('').transform(() => undefined)),
  SOTAY_SMS_URL: z.string().url('phải là một URL, ví dụ https://sms.nhacungcap.vn/api/send').regex(/^https?:\/\//, 'phải bắt đầu bằng https:// (hoặc http://)').optional().or(z.literal('').transform(() => undefined)),
  SOTAY_SMS_TOKEN: z.string().optional().or(z.literal('').transform(() => undefined)),
  SOTAY_SMS_SENDER: z.string().max(11, 'tên thương hiệu SMS tối đa 11 ký tự').optional().or(z.literal('').transform(() => undefined)),
  SOTAY_SMS_PRICE_VND: z.coerce.number({ error: 'phải là giá một tin nhắn tính bằng đồng, ví dụ 800' }).int('phải là số nguyên').min(0, 'không được âm').max(100_000, 'tối đa 100000').default(800),
  SOTAY_PUSH_CONTACT: z.string().regex(/^(mailto:\S+@\S+|https:\/\/\S+)$/, 'phải là mailto:địa-chỉ-thư hoặc một URL https://').optional().or(z.literal('').transform(() => undefined)),
});

export type Config = {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  publicUrl: string | undefined;
  secureCookies: boolean;
  seedDemo: boolean;
  logLevel: z.infer<typeof envSchema>['SOTAY_LOG_LEVEL'];
  trustProxy: false | number | string[];
  runWorkers: boolean;
  maxUploadBytes: number;
  notify: NotifyConfig;
};

/** The outside channels of notifications; a channel without its settings is simply not used. */
export type NotifyConfig = {
  smtpUrl: string | undefined;
  mailFrom: string;
  sms: { url: string; token: string; sender: string | undefined } | undefined;
  smsPriceVnd: number;
  /** Who push services may contact about this server (VAPID "sub"). */
  pushContact: string;
};

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env, { error: z.locales.vi().localeError });
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Cấu hình không hợp lệ (biến môi trường):\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if (e.SOTAY_SMS_URL && !e.SOTAY_SMS_TOKEN) throw new ConfigError('Cấu hình không hợp lệ (biến môi trường):\n  SOTAY_SMS_TOKEN: phải có khi đã đặt SOTAY_SMS_URL (khóa truy cập của nhà cung cấp SMS)');
  const embedded = !e.DATABASE_URL;
  const publicHost = e.PUBLIC_URL ? new URL(e.PUBLIC_URL).hostname : 'localhost';
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(e.SOTAY_DATA_DIR),
    publicUrl: e.PUBLIC_URL,
    secureCookies: e.SOTAY_SECURE_COOKIES ?? (e.PUBLIC_URL ? e.PUBLIC_URL.startsWith('https:') : false),
    // Demo data loads by default only on the embedded database; PostgreSQL only when asked.
    seedDemo: e.SOTAY_SEED_DEMO ?? embedded,
    logLevel: e.SOTAY_LOG_LEVEL,
    trustProxy: e.SOTAY_TRUST_PROXY,
    runWorkers: e.SOTAY_WORKERS,
    maxUploadBytes: Math.round(e.SOTAY_MAX_UPLOAD_MB * 1024 * 1024),
    notify: {
      smtpUrl: e.SOTAY_SMTP_URL,
      mailFrom: e.SOTAY_MAIL_FROM ?? `Sổ tay <sotay@${publicHost}>`,
      sms: e.SOTAY_SMS_URL ? { url: e.SOTAY_SMS_URL, token: e.SOTAY_SMS_TOKEN!, sender: e.SOTAY_SMS_SENDER } : undefined,
      smsPriceVnd: e.SOTAY_SMS_PRICE_VND,
      pushContact: e.SOTAY_PUSH_CONTACT ?? (e.PUBLIC_URL?.startsWith('https:') ? new URL(e.PUBLIC_URL).origin : `mailto:sotay@${publicHost}`),
    },
  };
}
