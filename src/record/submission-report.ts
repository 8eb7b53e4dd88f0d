import type { Knex } from '../db/knex.js';
import type { Submission } from './submission-store.js';

const PAGE = 1000;

/** 139****5678: the operator recognises the parent, a leaked report gives no number. */
export function maskPhoneCell(value: string): string {
  const digits = value.replace(/\D/g, '');
  const national = digits.length === 13 && digits.startsWith('86') ? digits.slice(2) : digits;
  if (national.length < 7) return '****';
  return `${national.slice(0, 3)}****${national.slice(-4)}`;
}

/**
 * A spreadsheet opening the report must not run a cell as a formula (CSV injection): any
 * cell starting with = + - @, a tab or a carriage return is prefixed with an apostrophe,
 * which Excel and WPS show as text.
 */
export function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvLine(cells: unknown[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

/**
 * The submission's report: every rejected and unmatched row with its reason, then the row as
 * the file had it, phone masked (the ID number was masked before it was stored). Read from
 * the database a page at a time. Starts with a BOM so Excel on Chinese Windows reads UTF-8.
 */
export async function* submissionReport(
  knex: Knex,
  submission: Submission,
): AsyncGenerator<string> {
  const columns = submission.facts.columns ?? {};
  const phoneColumn = columns.phone;
  const headers = await rawHeaders(knex, submission.id);

  yield `\uFEFF${csvLine(['row', 'outcome', 'reason_code', 'reason', 'resolved', ...headers])}`;

  let after = 0;
  for (;;) {
    const rows = await knex('submission_rows')
      .where({ submission_id: submission.id })
      .where('row_number', '>', after)
      .orderBy('row_number')
      .limit(PAGE)
      .select('row_number', 'outcome', 'reason_code', 'reason_message', 'raw', 'resolved_at');
    if (rows.length === 0) return;

    let chunk = '';
    for (const row of rows) {
      const raw = JSON.parse(row.raw) as Record<string, string>;
      if (phoneColumn && raw[phoneColumn]) raw[phoneColumn] = maskPhoneCell(raw[phoneColumn]);
      chunk += csvLine([
        row.row_number,
        row.outcome,
        row.reason_code,
        row.reason_message,
        row.resolved_at ? 'yes' : '',
        ...headers.map((header) => raw[header] ?? ''),
      ]);
      after = Number(row.row_number);
    }
    yield chunk;
  }
}

/** The file's column headers as the stored rows carry them, in their first-seen order. */
async function rawHeaders(knex: Knex, submissionId: number): Promise<string[]> {
  const sample = await knex('submission_rows')
    .where({ submission_id: submissionId })
    .orderBy('row_number')
    .limit(50)
    .select('raw');
  const headers = new Set<string>();
  for (const row of sample) {
    for (const key of Object.keys(JSON.parse(row.raw))) headers.add(key);
  }
  return [...headers];
}
