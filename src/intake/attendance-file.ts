import { openCsvSource } from './csv-source.js';
import { sniffFormat } from './sniff-format.js';
import { openXlsxSource } from './xlsx-source.js';

export { IntakeFileError, type IntakeFileErrorCode } from './intake-error.js';
export { attendanceTemplate } from './templates.js';

export type AttendanceField =
  | 'name'
  | 'phone'
  | 'idNumber'
  | 'cardNumber'
  | 'studentNumber'
  | 'courseCode'
  | 'courseName'
  | 'date'
  | 'start'
  | 'end'
  | 'status'
  | 'duration';

/** Extra header texts per field, configured per institution. */
export type ColumnAliases = Partial<Record<AttendanceField, string[]>>;

export type IntakeLimits = {
  maxRows: number;
  maxXlsxUncompressedBytes: number;
  maxXlsxEntries: number;
};

export const DEFAULT_INTAKE_LIMITS: IntakeLimits = {
  maxRows: 2_000_000,
  maxXlsxUncompressedBytes: 500 * 1024 * 1024,
  maxXlsxEntries: 10_000,
};

export type AttendanceStatus = 'present' | 'late' | 'absent' | 'excused';

export type AttendanceRow = {
  name?: string;
  /** E.164, see src/accounts/phone.ts. */
  phone?: string;
  /** An 18-character PRC resident ID with a valid checksum, X upper case. Never store it. */
  idNumber?: string;
  cardNumber?: string;
  studentNumber?: string;
  courseCode?: string;
  courseName?: string;
  /** YYYY-MM-DD */
  sessionDate: string;
  /** HH:MM */
  startTime?: string;
  endTime?: string;
  status: AttendanceStatus;
  durationMinutes?: number;
};

export type RowRejectionCode =
  | 'missing_field'
  | 'bad_date'
  | 'bad_time'
  | 'unknown_status'
  | 'bad_phone'
  | 'bad_id_number'
  | 'bad_duration'
  | 'no_person_key'
  | 'row_too_long'
  | 'value_too_long';

export type RowRejection = { code: RowRejectionCode; field?: AttendanceField; message: string };

export type ParsedRow = {
  /** The row number a person sees in Excel (the header row is 1 when it is the first line). */
  rowNumber: number;
  /** Header text → cell text, every column of the row as read. */
  raw: Record<string, string>;
} & ({ ok: true; row: AttendanceRow } | { ok: false; rejection: RowRejection });

export type FileFacts = {
  format: 'csv' | 'xlsx';
  encoding?: 'utf-8' | 'utf-8-bom' | 'gb18030';
  sheet?: string;
  headerRow: number;
  /** Field → the header text it was read from. */
  columns: Partial<Record<AttendanceField, string>>;
  ignoredColumns: string[];
};

export type AttendanceFile = { facts: FileFacts; rows(): AsyncIterable<ParsedRow> };

export type OpenOptions = {
  /** The name the file was uploaded under; only used in messages, never to pick the format. */
  fileName?: string;
  sheet?: string;
  aliases?: ColumnAliases;
  limits?: Partial<IntakeLimits>;
};

/**
 * Opens an attendance file: recognises its format by content, finds its encoding, header row
 * and columns, and refuses with an IntakeFileError what cannot be read as a whole. Rows are read
 * only when `rows()` is iterated, as a stream, each time from the start of the file.
 */
export async function openAttendanceFile(
  path: string,
  options: OpenOptions = {},
): Promise<AttendanceFile> {
  const limits = { ...DEFAULT_INTAKE_LIMITS, ...options.limits };
  const format = await sniffFormat(path);

  if (format === 'xlsx') return openXlsxSource(path, { ...options, limits });
  return openCsvSource(path, { ...options, limits });
}
