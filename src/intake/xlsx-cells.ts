import type { Cell } from './cell.js';

/**
 * The cell as a person reads it in Excel. A formula gives its cached result and never its
 * formula text, rich text its plain text, a hyperlink its display text; text that looks like
 * a formula (=, +, -, @) is only text.
 */
export function toCell(value: unknown): Cell {
  if (value === null || value === undefined) return { text: '' };
  if (typeof value === 'string') return { text: value.trim() };
  if (typeof value === 'number') return { text: String(value), value };
  if (typeof value === 'boolean') return { text: value ? 'TRUE' : 'FALSE' };
  if (value instanceof Date) return { text: dateText(value), value };
  if (typeof value !== 'object') return { text: String(value) };

  if ('richText' in value && Array.isArray(value.richText)) {
    return {
      text: value.richText
        .map((run: { text?: string }) => run.text ?? '')
        .join('')
        .trim(),
    };
  }
  if ('formula' in value || 'sharedFormula' in value || 'result' in value) {
    return 'result' in value ? toCell(value.result) : { text: '' };
  }
  if ('error' in value) return { text: String(value.error) };
  if ('text' in value) return toCell(value.text);
  return { text: '' };
}

// exceljs gives date cells as UTC wall-clock time; a time-only cell falls on 1899-12-30.
function dateText(date: Date): string {
  const iso = date.toISOString();
  const time = iso.slice(11, 16);

  if (date.getUTCFullYear() < 1900) return time;
  return time === '00:00' ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${time}`;
}
