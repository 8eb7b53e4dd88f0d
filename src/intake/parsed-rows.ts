import type { IntakeLimits, ParsedRow } from './attendance-file.js';
import { type SheetRow, columnLetter } from './cell.js';
import type { Header } from './header-match.js';
import { IntakeFileError } from './intake-error.js';
import { validateRow } from './validate-row.js';

export type RowOptions = {
  limits: IntakeLimits;
  /** CSV rows wider than the header lost a quote or gained a comma; XLSX notes beside a table do not. */
  rejectWideRows: boolean;
  date1904?: () => boolean;
};

/**
 * The data rows below the header, each read into an attendance row or a rejection. Blank rows
 * are not data rows: spreadsheets end with them and nobody means them.
 */
export async function* parsedRows(
  batches: AsyncIterable<SheetRow[]>,
  header: Header,
  options: RowOptions,
): AsyncGenerator<ParsedRow> {
  let dataRows = 0;

  for await (const batch of batches) {
    for (const row of batch) {
      if (row.rowNumber <= header.rowNumber || row.cells.every((cell) => !cell.text)) continue;

      dataRows += 1;
      if (dataRows > options.limits.maxRows) throw tooManyRows(options.limits.maxRows);

      yield parsedRow(row, header, options);
    }
  }
}

function parsedRow({ rowNumber, cells }: SheetRow, header: Header, options: RowOptions): ParsedRow {
  const raw: Record<string, string> = {};
  cells.forEach((cell, index) => {
    raw[header.keys[index] ?? `(${columnLetter(index + 1)})`] = cell.text;
  });

  const wide = cells.length > header.keys.length;
  if (options.rejectWideRows && wide && cells.slice(header.keys.length).some((cell) => cell.text)) {
    const message =
      `the row has ${cells.length} cells but the header has ${header.keys.length}; ` +
      'a comma inside a value needs quotes';
    return { rowNumber, raw, ok: false, rejection: { code: 'row_too_long', message } };
  }

  return { rowNumber, raw, ...validateRow(cells, header.indexes, options.date1904?.()) };
}

function tooManyRows(maxRows: number): IntakeFileError {
  return new IntakeFileError(
    'too_many_rows',
    `The file has more than ${maxRows} data rows. Split it into smaller files.`,
    `文件超过 ${maxRows} 行数据。请拆分成多个较小的文件。`,
  );
}
