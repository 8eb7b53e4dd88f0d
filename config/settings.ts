import { z } from 'zod';
import { DEFAULT_LOGIN_PROVIDERS, loginProvidersSchema } from './login-providers.js';

/**
 * Every setting the hub reads from the environment, with its default and what it is for.
 * `src/config.ts` validates them all at start and stops with the full list of problems.
 */
export const settings = {
  PORT: {
    doc: 'TCP port the hub listens on.',
    default: '3000',
    schema: z.coerce.number().int().min(0).max(65535),
  },
  HUB_PUBLIC_URL: {
    doc: 'Origin people and apps use to reach the hub; the OpenID issuer. No trailing slash.',
    default: 'http://localhost:3000',
    schema: z
      .url({ protocol: /^https?$/ })
      .refine((value) => new URL(value).pathname === '/', 'must be an origin without a path')
      .transform((value) => value.replace(/\/$/, '')),
  },
  DATABASE_URL: {
    doc: 'sqlite:<file> (embedded default) or mysql://user:pass@host:port/db (MySQL, MariaDB).',
    default: 'sqlite:./data/hub.sqlite',
    schema: z.string().regex(/^(sqlite:.+|mysql:\/\/.+)$/, 'must start with sqlite: or mysql://'),
  },
  LOG_LEVEL: {
    doc: 'pino level: fatal, error, warn, info, debug, trace or silent.',
    default: 'info',
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  },
  LOG_FORMAT: {
    doc: 'json for machines, pretty for a terminal; auto picks pretty on a TTY.',
    default: 'auto',
    schema: z.enum(['auto', 'json', 'pretty']),
  },
  TRUST_PROXY: {
    doc: "Express 'trust proxy': false, true, a hop count or a list of addresses.",
    default: 'false',
    schema: z.string().transform(parseTrustProxy),
  },
  HUB_SEED_DEMO: {
    doc: 'Seed the demo parent and the two demo apps on first start (true/false).',
    default: 'true',
    schema: z.stringbool(),
  },
  HUB_APP_HOSTS_ALLOWED: {
    doc:
      'Comma-separated hosts (host or host:port) on private or loopback addresses that the ' +
      'hub may call for back-channel logout. The hub host itself is always allowed.',
    default: '',
    schema: z.string().transform((value) =>
      value
        .split(',')
        .map((host) => host.trim().toLowerCase())
        .filter(Boolean),
    ),
  },
  HUB_JOBS_ENABLED: {
    doc: 'Run the scheduled jobs in this process (one process per slot runs each job).',
    default: 'true',
    schema: z.stringbool(),
  },
  HUB_DEFAULT_LOCALE: {
    doc: 'Language of the login pages when the browser has not chosen one: zh-CN or en.',
    default: 'zh-CN',
    schema: z.enum(['zh-CN', 'en']),
  },
  LOGIN_MAX_FAILURES: {
    doc: 'Failed logins per phone or per IP before each further try waits longer.',
    default: '5',
    schema: z.coerce.number().int().min(1).max(1000),
  },
  LOGIN_LOCK_SECONDS: {
    doc: 'First wait after the limit; it doubles with each further failure, up to 1 hour.',
    default: '30',
    schema: z.coerce.number().int().min(1).max(3600),
  },
  SMS_CODE_TTL_SECONDS: {
    doc: 'How long an SMS login code stays valid.',
    default: '300',
    schema: z.coerce.number().int().min(30).max(3600),
  },
  SMS_RESEND_SECONDS: {
    doc: 'Minimum wait before another code is sent to the same phone.',
    default: '60',
    schema: z.coerce.number().int().min(0).max(3600),
  },
  SMS_MAX_PER_HOUR: {
    doc: 'Codes sent to one phone, and from one IP, per hour.',
    default: '10',
    schema: z.coerce.number().int().min(1).max(1000),
  },
  TOKEN_TTL_SECONDS: {
    doc: 'Lifetime of access tokens.',
    default: '3600',
    schema: z.coerce.number().int().min(60).max(86400),
  },
  REFRESH_TOKEN_TTL_DAYS: {
    doc: 'Lifetime of refresh tokens.',
    default: '30',
    schema: z.coerce.number().int().min(1).max(365),
  },
  SESSION_TTL_DAYS: {
    doc: 'How long a hub login session lasts without activity.',
    default: '14',
    schema: z.coerce.number().int().min(1).max(365),
  },
  HUB_LOGIN_PROVIDERS: {
    doc:
      'The login providers offered on the login page, as a JSON array or the path of a JSON ' +
      'file: phone, E-learning-net (elearning-oidc) and WeChat (wechat-oauth); see ' +
      'config/login-providers.ts. Holds client secrets, so it is never printed.',
    default: DEFAULT_LOGIN_PROVIDERS,
    schema: loginProvidersSchema,
    hidden: true,
  },
  WEB_SESSION_TTL_MINUTES: {
    doc: 'How long an idle browser session of the hub pages (upstream login, account) lasts.',
    default: '60',
    schema: z.coerce.number().int().min(5).max(1440),
  },
  SIGNING_KEY_RETIRE_DAYS: {
    doc: 'How long a rotated-out signing key stays published so tokens it signed still verify.',
    default: '30',
    schema: z.coerce.number().int().min(1).max(365),
  },
  INTAKE_STORAGE_DIR: {
    doc:
      'Directory where submitted attendance files are kept, so any submission can be ' +
      'processed again after a mapping fix.',
    default: './data/submissions',
    schema: z.string().min(1),
  },
  INTAKE_RETENTION_DAYS: {
    doc:
      'Days a submitted file is kept after it was processed; the cleanup job then deletes ' +
      'the file and keeps the submission, its counts and its report.',
    default: '365',
    schema: z.coerce.number().int().min(1).max(3650),
  },
  INTAKE_MAX_UPLOAD_BYTES: {
    doc: 'Largest attendance file accepted for upload, in bytes (default 50 MB).',
    default: String(50 * 1024 * 1024),
    schema: z.coerce.number().int().min(1024),
  },
  INTAKE_MAX_ROWS: {
    doc: 'Most data rows one attendance file may have; a longer file is refused (too_many_rows).',
    default: '2000000',
    schema: z.coerce.number().int().min(1),
  },
  INTAKE_MAX_XLSX_UNPACKED_BYTES: {
    doc:
      'Most bytes the parts of one .xlsx may unpack to (default 500 MB): a small zip can ' +
      'unpack to gigabytes, so a workbook above this is refused (xlsx_too_large) unread.',
    default: String(500 * 1024 * 1024),
    schema: z.coerce.number().int().min(1024),
  },
  INTAKE_MAX_XLSX_ENTRIES: {
    doc: 'Most parts (zip entries) one .xlsx may hold; more is refused (xlsx_too_large) unread.',
    default: '10000',
    schema: z.coerce.number().int().min(10),
  },
  INTAKE_UTC_OFFSET: {
    doc: 'UTC offset of the times in attendance files (institutions write local time).',
    default: '+08:00',
    schema: z.string().regex(/^[+-]\d{2}:\d{2}$/, 'must look like +08:00'),
  },
  INTAKE_BATCH_ROWS: {
    doc:
      'Rows written to the learning record per transaction while a file is processed. ' +
      'Larger batches rewrite the random parts of the indexes less often (5000 took a file ' +
      'in about 1.3 times as fast as 1000 on SQLite); on SQLite other requests wait for ' +
      'the batch in hand, a tenth of a second or so at 5000.',
    default: '5000',
    schema: z.coerce.number().int().min(1).max(20000),
  },
} as const;

export type SettingName = keyof typeof settings;

function parseTrustProxy(value: string): boolean | number | string[] {
  if (value === 'true') return true;
  if (value === 'false' || value === '') return false;
  if (/^\d+$/.test(value)) return Number(value);
  return value.split(',').map((entry) => entry.trim());
}
