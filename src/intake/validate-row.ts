import { normalisePhone } from '../accounts/phone.js';
import type { AttendanceField, AttendanceRow, RowRejection } from './attendance-file.js';
import { type Cell, textCell } from './cell.js';
import { parseIdNumber } from './id-number.js';
import { parseDate, parseTime } from './parse-date.js';
import { parseDuration } from './parse-duration.js';
import { parseStatus, STATUS_HELP } from './parse-status.js';

export type ColumnIndexes = Partial<Record<AttendanceField, number>>;
export type Validated = { ok: true; row: AttendanceRow } | { ok: false; rejection: RowRejection };

const MAX_TEXT = 200;
const TIME_RANGE = /^(\S+)\s*[-~～—至到]\s*(\S+)$/;

// Placeholders staff type into cells that have no value (cell text arrives trimmed).
const BLANKS = new Set(['', '-', '--', '—', '/', '无', 'n/a', 'N/A', 'null', 'NULL']);

class Rejected extends Error {
  constructor(readonly rejection: RowRejection) {
    super(rejection.message);
  }
}

/** Turns the cells of one data row into an attendance row, or says why it cannot be one. */
export function validateRow(cells: Cell[], columns: ColumnIndexes, date1904 = false): Validated {
  try {
    return { ok: true, row: readRow(new RowCells(cells, columns), date1904) };
  } catch (error) {
    if (error instanceof Rejected) return { ok: false, rejection: error.rejection };
    throw error;
  }
}

function readRow(cells: RowCells, date1904: boolean): AttendanceRow {
  const dateCell = cells.required('date', '上课日期 (date)');
  const date = parseDate(dateCell, date1904);
  if (!date.ok) reject('bad_date', 'date', date.message);

  const statusCell = cells.required('status', '签到状态 (status)');
  const status = parseStatus(statusCell.text);
  if (!status) {
    reject('unknown_status', 'status', `"${statusCell.text}" is not a status; use ${STATUS_HELP}`);
  }

  const row: AttendanceRow = { sessionDate: date.value.date, status };
  readPerson(cells, row);
  readCourse(cells, row);
  readTimes(cells, row, date.value.time);

  const durationCell = cells.optional('duration');
  if (durationCell) {
    const duration = parseDuration(durationCell);
    if (!duration.ok) reject('bad_duration', 'duration', duration.message);
    row.durationMinutes = duration.value;
  }

  return row;
}

function readPerson(cells: RowCells, row: AttendanceRow): void {
  const name = cells.text('name');
  if (name) row.name = name;

  const phone = cells.text('phone');
  if (phone) {
    const e164 = normalisePhone(phone);
    if (!e164) {
      const hint = /E\+/i.test(phone) ? '; Excel shortened it, format the column as text' : '';
      reject('bad_phone', 'phone', `"${phone}" is not a mobile number${hint}`);
    }
    row.phone = e164;
  }

  const idNumber = cells.text('idNumber');
  if (idNumber) {
    // 18 digits are past what a floating-point number holds exactly.
    if (typeof cells.optional('idNumber')?.value === 'number') {
      reject(
        'bad_id_number',
        'idNumber',
        'Excel stored the ID number as a number and lost its last digits; format the column as text',
      );
    }
    const id = parseIdNumber(idNumber);
    if (!id.ok) reject('bad_id_number', 'idNumber', id.message);
    row.idNumber = id.value;
  }

  const cardNumber = cells.text('cardNumber');
  if (cardNumber) row.cardNumber = cardNumber.replace(/\s+/g, '');

  const studentNumber = cells.text('studentNumber');
  if (studentNumber) row.studentNumber = studentNumber.replace(/\s+/g, '');

  if (!row.phone && !row.idNumber && !row.cardNumber && !row.studentNumber) {
    reject(
      'no_person_key',
      undefined,
      'the row names nobody: fill in 手机号, 就诊卡号, 学号 or 身份证号 (phone, card, student or ID number)',
    );
  }
}

function readCourse(cells: RowCells, row: AttendanceRow): void {
  const courseCode = cells.text('courseCode');
  if (courseCode) row.courseCode = courseCode;

  const courseName = cells.text('courseName');
  if (courseName) row.courseName = courseName;

  if (!courseCode && !courseName) {
    reject('missing_field', 'courseName', 'fill in 课程编号 or 课程名称 (course code or name)');
  }
}

function readTimes(cells: RowCells, row: AttendanceRow, timeFromDate?: string): void {
  let startCell = cells.optional('start');
  let endCell = cells.optional('end');

  // One column may hold the whole class, "09:00-10:30", when it is headed 上课时间.
  const range = startCell && !endCell ? TIME_RANGE.exec(startCell.text) : null;
  if (range) {
    startCell = textCell(range[1] ?? '');
    endCell = textCell(range[2] ?? '');
  }

  if (startCell) {
    const start = parseTime(startCell);
    if (!start.ok) reject('bad_time', 'start', start.message);
    row.startTime = start.value;
  } else if (timeFromDate) {
    row.startTime = timeFromDate;
  }

  if (endCell) {
    const end = parseTime(endCell);
    if (!end.ok) reject('bad_time', 'end', end.message);
    row.endTime = end.value;
  }

  if (row.startTime && row.endTime && row.endTime <= row.startTime) {
    reject(
      'bad_time',
      'end',
      `the class ends (${row.endTime}) before it starts (${row.startTime})`,
    );
  }
}

class RowCells {
  constructor(
    private readonly cells: Cell[],
    private readonly columns: ColumnIndexes,
  ) {}

  optional(field: AttendanceField): Cell | undefined {
    const index = this.columns[field];
    const cell = index === undefined ? undefined : this.cells[index];
    if (!cell || BLANKS.has(cell.text)) return undefined;

    if (cell.text.length > MAX_TEXT) {
      reject('value_too_long', field, `the ${field} cell holds over ${MAX_TEXT} characters`);
    }
    return cell;
  }

  required(field: AttendanceField, label: string): Cell {
    const cell = this.optional(field);
    if (!cell) reject('missing_field', field, `${label} is empty`);
    return cell;
  }

  text(field: AttendanceField): string | undefined {
    return this.optional(field)?.text.trim();
  }
}

function reject(
  code: RowRejection['code'],
  field: AttendanceField | undefined,
  message: string,
): never {
  throw new Rejected(field ? { code, field, message } : { code, message });
}
