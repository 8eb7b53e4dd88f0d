import type { Cell } from './cell.js';
import type { Parsed } from './parse-date.js';
import { memoByText } from './memo.js';

const MAX_MINUTES = 24 * 60;

/** Minutes from "90", "90分钟", "90 min", "1.5小时", "1.5h", "1小时30分钟" or a number cell. */
export function parseDuration(cell: Cell): Parsed<number> {
  const minutes = typeof cell.value === 'number' ? cell.value : minutesOf(cell.text);

  if (minutes === null || !Number.isFinite(minutes)) {
    return { ok: false, message: `"${cell.text}" is not a duration; write minutes, e.g. 90` };
  }
  if (minutes <= 0 || minutes > MAX_MINUTES) {
    return { ok: false, message: `${cell.text} minutes is not the length of a class` };
  }

  return { ok: true, value: Math.round(minutes) };
}

const minutesOf = memoByText((typed: string): number | null => {
  const text = typed.normalize('NFKC').toLowerCase().replace(/\s+/g, '');
  const match =
    /^(?:(\d+(?:\.\d+)?)(?:小时|h|hours?|hrs?))?(?:(\d+(?:\.\d+)?)(?:分钟|分|min|mins|minutes?)?)?$/.exec(
      text,
    );
  if (!match || (!match[1] && !match[2])) return null;
  return Number(match[1] ?? 0) * 60 + Number(match[2] ?? 0);
});
