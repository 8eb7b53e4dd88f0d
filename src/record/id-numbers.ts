import { createHmac } from 'node:crypto';

/**
 * Identity card numbers are never stored in clear. A keyed HMAC (the key lives in
 * `hub_secrets`, not beside the data) lets two rows with the same number be matched without
 * a dictionary attack on the 18-digit space from a database dump alone.
 */
export function idNumberHmac(key: string, idNumber: string): string {
  return createHmac('sha256', key).update(idNumber.trim().toUpperCase()).digest('hex');
}

/** Masked for display: the region and the last four stay, e.g. 3301**********1234. */
export function maskIdNumber(idNumber: string): string {
  const value = idNumber.trim();
  if (value.length <= 8) return '*'.repeat(value.length);
  return `${value.slice(0, 4)}${'*'.repeat(value.length - 8)}${value.slice(-4)}`;
}
