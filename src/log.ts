import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Keys whose values never reach a log line, wherever they sit in the logged object.
 * pino's redaction is path based, so each sensitive key is listed at the depths we log.
 */
const SENSITIVE_KEYS = [
  'password',
  'newPassword',
  'secret',
  'client_secret',
  'clientSecret',
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'logout_token',
  'code',
  'code_verifier',
  'phone',
  'phone_number',
  'idNumber',
  'cookie',
  'authorization',
];

const REDACT_PATHS = [
  ...SENSITIVE_KEYS,
  ...SENSITIVE_KEYS.map((key) => `*.${key}`),
  ...SENSITIVE_KEYS.map((key) => `*.*.${key}`),
  'req.headers.cookie',
  'req.headers.authorization',
  'res.headers["set-cookie"]',
];

export function createLogger(options: { level: string; format: 'auto' | 'json' | 'pretty' }) {
  const pretty = options.format === 'pretty' || (options.format === 'auto' && process.stdout.isTTY);
  return pino({
    level: options.level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    transport: pretty
      ? {
          target: 'pino-pretty',
          options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' },
        }
      : undefined,
  });
}

/** Masks a phone number "enough to identify, not to use": +86138****5678. */
export function maskPhone(phone: string): string {
  if (phone.length < 8) return '****';
  return `${phone.slice(0, 6)}****${phone.slice(-4)}`;
}

const SENSITIVE_PARAMS = [
  'code',
  'token',
  'access_token',
  'id_token',
  'id_token_hint',
  'state',
  'nonce',
  'logout_token',
  'code_verifier',
];
const SENSITIVE_QUERY = new RegExp(`([?&](?:${SENSITIVE_PARAMS.join('|')})=)[^&#]*`, 'gi');

/** Strips codes and tokens from a URL before it is logged. */
export function redactUrl(url: string): string {
  return url.replace(SENSITIVE_QUERY, '$1[redacted]');
}
