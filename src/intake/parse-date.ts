import { memoByText } from './memo.js';
import type { Cell } from './cell.js';

export type DateTime = { date: string; time?: string };
export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

const MIN_YEAR = 2000;
const MAX_YEAR = 2099;
const DAY_MS = 86_400_000;

/**
 * A session date, with its time when the cell holds both ("2025-03-08 09:30"). Accepted:
 * 2025-03-08, 2025/3/8, 2025.3.8, 2025年3月8日, 20250308, 08.03.2025 (day first, as dotted dates
 * are written), 3/8/2025 (month first, as Excel writes US dates; refused when the first part
 * cannot be a month, because then the file is day-first and its other dates were ambiguous),
 * Excel serial numbers and date cells. A weekday after the date (星期六, 周六) is skipped.
 */
export function parseDate(cell: Cell, date1904 = false): Parsed<DateTime> {
  if (cell.value instanceof Date) return fromUtcDate(cell.value);
  // 20250308 typed into a General cell is a number, but not a serial (those end in 2958465).
  if (typeof cell.value === 'number' && cell.value >= 10_000_000) return parseDateText(cell.text);
  if (typeof cell.value === 'number') return fromSerial(cell.value, date1904);
  return parseDateText(cell.text);
}

const parseDateText = memoByText((typed: string): Parsed<DateTime> => {
  const text = typed.normalize('NFKC').trim();
  const withoutWeekday = text.replace(/\s*\(?(星期|周|礼拜)[一二三四五六日天]\)?/, ' ').trim();
  const [datePart = '', ...rest] = withoutWeekday.split(/\s+|T/);
  const timeText = rest.join(' ');
  const date = parseDay(datePart);

  if (!date.ok) return date;
  if (!timeText) return { ok: true, value: { date: date.value } };

  const time = parseTime({ text: timeText });
  if (!time.ok) return { ok: false, message: `"${text}" has a date but an unreadable time` };

  // Database exports write every date as a timestamp; midnight there means "no time".
  if (time.value === '00:00') return { ok: true, value: { date: date.value } };
  return { ok: true, value: { date: date.value, time: time.value } };
});

function parseDay(text: string): Parsed<string> {
  let match = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})[日号]?$/.exec(text);
  if (match) return ymd(text, match[1], match[2], match[3]);

  match = /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  if (match) return ymd(text, match[1], match[2], match[3]);

  match = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(text);
  if (match) return ymd(text, match[3], match[2], match[1]);

  match = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text);
  if (match) {
    if (Number(match[1]) > 12) {
      return {
        ok: false,
        message: `"${text}" reads as month/day/year but ${match[1]} is no month; write 2025-03-08`,
      };
    }
    return ymd(text, match[3], match[1], match[2]);
  }

  if (/^\d{5}$/.test(text)) return mapDate(fromSerial(Number(text), false));
  return { ok: false, message: `"${text}" is not a date; write it as 2025-03-08` };
}

function ymd(text: string, y = '', m = '', d = ''): Parsed<string> {
  const year = Number(y);
  const month = Number(m);
  const day = Number(d);
  const date = new Date(Date.UTC(year, month - 1, day));

  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return { ok: false, message: `"${text}" is not a day of the calendar` };
  }
  if (year < MIN_YEAR || year > MAX_YEAR) {
    return { ok: false, message: `"${text}" is outside ${MIN_YEAR}–${MAX_YEAR}` };
  }

  return { ok: true, value: isoDate(date) };
}

/**
 * Excel counts days from 1900-01-01 as day 1 and, copying Lotus 1-2-3, has a 29 February 1900
 * (day 60) that never existed; so from day 61 on, day 0 is 1899-12-30. The 1904 system, used
 * by old Mac workbooks, counts from 1904-01-01 as day 0.
 */
export function serialToUtc(serial: number, date1904: boolean): Date | null {
  if (date1904) return new Date(Date.UTC(1904, 0, 1) + serial * DAY_MS);
  if (serial >= 61) return new Date(Date.UTC(1899, 11, 30) + serial * DAY_MS);
  if (serial >= 60) return null;
  return new Date(Date.UTC(1899, 11, 31) + serial * DAY_MS);
}

function fromSerial(serial: number, date1904: boolean): Parsed<DateTime> {
  const date = Number.isFinite(serial) ? serialToUtc(serial, date1904) : null;
  if (!date) return { ok: false, message: `${serial} is not an Excel date` };
  return fromUtcDate(date);
}

// Excel dates carry no time zone: exceljs and serialToUtc put the wall-clock time in UTC.
function fromUtcDate(exact: Date): Parsed<DateTime> {
  const date = toMinute(exact);
  const year = date.getUTCFullYear();

  if (year < MIN_YEAR || year > MAX_YEAR) {
    return { ok: false, message: `${isoDate(date)} is outside ${MIN_YEAR}–${MAX_YEAR}` };
  }

  const time = isoTime(date);
  return {
    ok: true,
    value: time === '00:00' ? { date: isoDate(date) } : { date: isoDate(date), time },
  };
}

function mapDate(parsed: Parsed<DateTime>): Parsed<string> {
  return parsed.ok ? { ok: true, value: parsed.value.date } : parsed;
}

/**
 * A time of day as HH:MM. Accepted: 9:30, 09:30, 09:30:00, 9点30, 9点30分, 9点, 9:30 PM,
 * 下午2:30, Excel day fractions (0.395833…) and time cells.
 */
export function parseTime(cell: Cell): Parsed<string> {
  if (cell.value instanceof Date) return { ok: true, value: isoTime(toMinute(cell.value)) };
  if (typeof cell.value === 'number') return fromFraction(cell.value);
  return parseTimeText(cell.text);
}

const parseTimeText = memoByText((typed: string): Parsed<string> => {
  const text = typed.normalize('NFKC').trim();
  const afternoon = /^(下午|晚上)|\s*pm$/i.test(text);
  const bare = text.replace(/^(上午|下午|中午|晚上)|\s*[ap]m$/gi, '');
  const match = /^(\d{1,2})(?::(\d{2})(?::(\d{2}))?|点(?:(\d{1,2})分?|半)?)$/.exec(bare);

  if (!match) {
    if (/^0?\.\d+$/.test(text)) return fromFraction(Number(text));
    return { ok: false, message: `"${text}" is not a time; write it as 09:30` };
  }

  let hours = Number(match[1]);
  const minutes = bare.endsWith('半') ? 30 : Number(match[2] ?? match[4] ?? 0);
  if (afternoon && hours < 12) hours += 12;

  if (hours > 23 || minutes > 59) return { ok: false, message: `"${text}" is not a time of day` };
  return { ok: true, value: `${pad(hours)}:${pad(minutes)}` };
});

function fromFraction(fraction: number): Parsed<string> {
  if (!(fraction >= 0 && fraction < 1)) {
    return { ok: false, message: `${fraction} is not a time of day` };
  }

  const minutes = Math.round(fraction * 24 * 60) % (24 * 60);
  return { ok: true, value: `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}` };
}

// Serials are floating point: 09:30 may arrive as 09:29:59.999.
function toMinute(date: Date): Date {
  return new Date(Math.round(date.getTime() / 60_000) * 60_000);
}

function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function isoTime(date: Date): string {
  return `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
