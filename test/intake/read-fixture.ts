import { fileURLToPath } from 'node:url';
import {
  type AttendanceFile,
  type OpenOptions,
  type ParsedRow,
  openAttendanceFile,
} from '../../src/intake/attendance-file.js';

export function fixture(name: string): string {
  return fileURLToPath(new URL(`../fixtures/attendance/${name}`, import.meta.url));
}

export async function allRows(file: AttendanceFile): Promise<ParsedRow[]> {
  const rows: ParsedRow[] = [];
  for await (const row of file.rows()) rows.push(row);
  return rows;
}

export async function readFixture(name: string, options: OpenOptions = {}) {
  const file = await openAttendanceFile(fixture(name), { fileName: name, ...options });
  return { facts: file.facts, rows: await allRows(file) };
}

/** The rejection codes in file order, `ok` for accepted rows. */
export function outcomes(rows: ParsedRow[]): string[] {
  return rows.map((row) => (row.ok ? 'ok' : row.rejection.code));
}
