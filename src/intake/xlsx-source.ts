import type { AttendanceFile, IntakeLimits, OpenOptions } from './attendance-file.js';
import type { SheetRow } from './cell.js';
import {
  checkRequiredColumns,
  findHeader,
  HEADER_SCAN_ROWS,
  headerNotFound,
} from './header-match.js';
import { parsedRows } from './parsed-rows.js';
import { openWorkbook } from './xlsx-workbook.js';

export async function openXlsxSource(
  path: string,
  options: OpenOptions & { limits: IntakeLimits },
): Promise<AttendanceFile> {
  const workbook = await openWorkbook(path, options.limits, options.sheet);
  const top: SheetRow[] = [];

  try {
    for await (const rows of workbook.rows()) {
      top.push(...rows);
      if (top.length >= HEADER_SCAN_ROWS) break;
    }
  } finally {
    workbook.close();
  }

  const header = findHeader(top, options.aliases);
  if (!header) throw headerNotFound(options.fileName);
  checkRequiredColumns(header);

  return {
    facts: {
      format: 'xlsx',
      sheet: workbook.sheet,
      headerRow: header.rowNumber,
      columns: header.columns,
      ignoredColumns: header.ignoredColumns,
    },
    rows: () => sheetRows(path, options, header),
  };
}

async function* sheetRows(
  path: string,
  options: OpenOptions & { limits: IntakeLimits },
  header: NonNullable<ReturnType<typeof findHeader>>,
) {
  const workbook = await openWorkbook(path, options.limits, options.sheet);

  try {
    yield* parsedRows(workbook.rows(), header, {
      limits: options.limits,
      rejectWideRows: false,
      date1904: () => workbook.date1904,
    });
  } finally {
    workbook.close();
  }
}
