import type { AttendanceField, ColumnAliases } from './attendance-file.js';
import { type SheetRow, columnLetter } from './cell.js';
import {
  aliasTable,
  EXPECTED_HEADERS,
  normaliseHeader,
  PERSON_KEY_FIELDS,
} from './column-aliases.js';
import { IntakeFileError } from './intake-error.js';
import type { ColumnIndexes } from './validate-row.js';

/** How many rows from the top may hold titles, notes or merged banners above the header. */
export const HEADER_SCAN_ROWS = 20;

export type Header = {
  rowNumber: number;
  /** The key of each column in `raw`: its header text, made unique and never empty. */
  keys: string[];
  indexes: ColumnIndexes;
  columns: Partial<Record<AttendanceField, string>>;
  ignoredColumns: string[];
};

/**
 * The header is the row, among the first ones, whose cells name the most fields; it must name
 * a date and a way to find the person. Title rows and merged banners above it match nothing.
 */
export function findHeader(rows: SheetRow[], aliases?: ColumnAliases): Header | null {
  const table = aliasTable(aliases);
  let best: { header: Header; score: number } | null = null;

  for (const row of rows.slice(0, HEADER_SCAN_ROWS)) {
    const header = readHeader(row, table);
    const score = Object.keys(header.indexes).length;
    const usable =
      header.indexes.date !== undefined &&
      PERSON_KEY_FIELDS.some((field) => header.indexes[field] !== undefined);

    if (usable && (!best || score > best.score)) best = { header, score };
  }

  return best?.header ?? null;
}

function readHeader(row: SheetRow, table: Map<string, AttendanceField>): Header {
  const header: Header = {
    rowNumber: row.rowNumber,
    keys: [],
    indexes: {},
    columns: {},
    ignoredColumns: [],
  };
  const seen = new Set<string>();

  row.cells.forEach((cell, index) => {
    const text = cell.text.trim();
    const letter = columnLetter(index + 1);
    const key = !text ? `(${letter})` : seen.has(text) ? `${text} (${letter})` : text;
    seen.add(text);
    header.keys.push(key);

    const field = text ? table.get(normaliseHeader(text)) : undefined;
    if (field && header.indexes[field] === undefined) {
      header.indexes[field] = index;
      header.columns[field] = key;
    } else if (text) {
      header.ignoredColumns.push(key);
    }
  });

  return header;
}

export function headerNotFound(fileName?: string): IntakeFileError {
  const what = fileName ? `"${fileName}"` : 'The file';
  return new IntakeFileError(
    'header_not_found',
    `${what} has no header row naming a date and a phone, card, student or ID number column ` +
      `in its first ${HEADER_SCAN_ROWS} rows. Expected headers like: ${EXPECTED_HEADERS}.`,
    `文件前 ${HEADER_SCAN_ROWS} 行中没有找到表头（需要日期列，以及手机号、就诊卡号、学号或身份证号列）。` +
      `表头示例：${EXPECTED_HEADERS}。`,
  );
}

/** A header without status or course columns would reject every row; say so once instead. */
export function checkRequiredColumns(header: Header): void {
  const missing: string[] = [];
  if (header.indexes.status === undefined) missing.push('签到状态 (status)');
  if (header.indexes.courseCode === undefined && header.indexes.courseName === undefined) {
    missing.push('课程编号 or 课程名称 (course code or name)');
  }

  if (missing.length > 0) {
    throw new IntakeFileError(
      'missing_columns',
      `The header (row ${header.rowNumber}) has no column for ${missing.join(' and ')}. ` +
        'Add the column, or ask an admin to add your header as an alias.',
      `表头（第 ${header.rowNumber} 行）缺少列：${missing.join('、')}。请补上该列，或请管理员添加表头别名。`,
    );
  }
}
