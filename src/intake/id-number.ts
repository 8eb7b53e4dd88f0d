import type { Parsed } from './parse-date.js';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARACTERS = '10X98765432';

/**
 * An 18-character resident identity number (GB 11643-1999): 17 digits, a birth date at
 * positions 7-14, and an ISO 7064 MOD 11-2 check character (a digit or X).
 */
export function parseIdNumber(text: string): Parsed<string> {
  const id = text.normalize('NFKC').replace(/\s+/g, '').toUpperCase();

  if (/E\+/.test(id)) {
    return { ok: false, message: 'Excel shortened the ID number; format the column as text' };
  }
  if (/^\d{15}$/.test(id)) {
    return { ok: false, message: 'a 15-digit ID number is the old form; use the 18-digit one' };
  }
  if (!/^\d{17}[\dX]$/.test(id)) {
    return { ok: false, message: 'an ID number has 18 characters: 17 digits and a digit or X' };
  }
  if (!validBirthDate(id.slice(6, 14))) {
    return { ok: false, message: 'the ID number holds no valid birth date' };
  }
  if (checkCharacter(id) !== id[17]) {
    return { ok: false, message: 'the ID number check digit does not match; is a digit mistyped?' };
  }

  return { ok: true, value: id };
}

export function checkCharacter(id: string): string {
  const sum = WEIGHTS.reduce((total, weight, index) => total + weight * Number(id[index]), 0);
  return CHECK_CHARACTERS[sum % 11] ?? '';
}

function validBirthDate(yyyymmdd: string): boolean {
  const year = Number(yyyymmdd.slice(0, 4));
  const month = Number(yyyymmdd.slice(4, 6));
  const day = Number(yyyymmdd.slice(6, 8));
  const date = new Date(Date.UTC(year, month - 1, day));

  return year >= 1900 && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
