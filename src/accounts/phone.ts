/**
 * Normalises a phone number to E.164. Numbers without a country code are taken as mainland
 * China (+86), where parents type 11-digit mobile numbers. Returns null when it cannot be a
 * phone number, so callers can answer with a clear error.
 */
export function normalisePhone(input: string): string | null {
  const compact = input.replace(/[\s\-().]/g, '');

  if (/^\+[1-9]\d{6,14}$/.test(compact))
    return compact.startsWith('+86') ? checkCn(compact) : compact;
  if (/^00[1-9]\d{6,14}$/.test(compact)) return normalisePhone(`+${compact.slice(2)}`);
  if (/^86(1\d{10})$/.test(compact)) return checkCn(`+${compact}`);
  if (/^1\d{10}$/.test(compact)) return checkCn(`+86${compact}`);
  return null;
}

// Mainland mobile numbers are exactly 11 digits starting with 1 after the country code.
function checkCn(e164: string): string | null {
  return /^\+861[3-9]\d{9}$/.test(e164) ? e164 : null;
}
