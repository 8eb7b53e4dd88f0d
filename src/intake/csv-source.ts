import { pipeline, Transform } from 'node:stream';
import { parse, CsvError, type Options as CsvOptions } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';
import type { AttendanceFile, IntakeLimits, OpenOptions } from './attendance-file.js';
import { type SheetRow, textCell } from './cell.js';
import { csvInput, decodePrefix, detectEncoding, type TextEncoding } from './decode-text.js';
import {
  type Header,
  checkRequiredColumns,
  findHeader,
  HEADER_SCAN_ROWS,
  headerNotFound,
} from './header-match.js';
import { IntakeFileError } from './intake-error.js';
import { parsedRows } from './parsed-rows.js';

// A full-width comma is text, not a delimiter: Chinese names and notes contain it.
const DELIMITERS = [',', ';', '\t'];

const CSV_OPTIONS: CsvOptions = {
  bom: true,
  relax_column_count: true,
  relax_quotes: true,
  trim: true,
  skip_empty_lines: false,
  max_record_size: 1024 * 1024,
};

// GB18030 decodes nearly any bytes, so these files would become garbage instead of an error.
// They are recognised by a header that only matches in their encoding; a Big5 file with an
// English header still reads as GB18030 and its names come out wrong, since nothing in the
// bytes tells the two apart reliably.
const REFUSED_ENCODINGS = [
  { name: 'big5', label: 'Big5 (Traditional Chinese)', labelZh: 'Big5（繁体中文）' },
  { name: 'shift_jis', label: 'Shift-JIS (Japanese)', labelZh: 'Shift-JIS（日文）' },
];

export async function openCsvSource(
  path: string,
  options: OpenOptions & { limits: IntakeLimits },
): Promise<AttendanceFile> {
  const encoding = await detectEncoding(path);
  const found = findCsvHeader(await decodePrefix(path, encoding), options);

  if (!found) {
    if (encoding === 'gb18030') await refuseOtherEncodings(path, options);
    throw headerNotFound(options.fileName);
  }

  const { header, delimiter } = found;
  checkRequiredColumns(header);

  return {
    facts: {
      format: 'csv',
      encoding,
      headerRow: header.rowNumber,
      columns: header.columns,
      ignoredColumns: header.ignoredColumns,
    },
    rows: () =>
      parsedRows(csvRows(path, encoding, delimiter), header, {
        limits: options.limits,
        rejectWideRows: true,
      }),
  };
}

/** The delimiter is the one under which a header is found with the most named columns. */
function findCsvHeader(
  text: string,
  options: OpenOptions,
): { header: Header; delimiter: string } | null {
  let best: { header: Header; delimiter: string } | null = null;

  for (const delimiter of DELIMITERS) {
    const header = findHeader(firstRows(text, delimiter), options.aliases);
    if (header && (!best || score(header) > score(best.header))) best = { header, delimiter };
  }

  return best;
}

function score(header: Header): number {
  return Object.keys(header.indexes).length;
}

function firstRows(text: string, delimiter: string): SheetRow[] {
  try {
    // A broken record further down is the rows' business; the header above it still counts.
    const records: string[][] = parseSync(text, {
      ...CSV_OPTIONS,
      delimiter,
      to: HEADER_SCAN_ROWS,
      skip_records_with_error: true,
    });
    return records.map((record, index) => ({ rowNumber: index + 1, cells: record.map(textCell) }));
  } catch {
    return [];
  }
}

async function refuseOtherEncodings(path: string, options: OpenOptions): Promise<void> {
  for (const { name, label, labelZh } of REFUSED_ENCODINGS) {
    if (findCsvHeader(await decodePrefix(path, name), options)) {
      throw new IntakeFileError(
        'file_encoding_unsupported',
        `The file looks like ${label} text, which the hub does not read. ` +
          'Save it as "CSV UTF-8" or as GBK ("CSV (comma delimited)" on Chinese Windows).',
        `文件看起来是 ${labelZh} 编码，平台不支持。请另存为“CSV UTF-8”或 GBK 编码的 CSV。`,
      );
    }
  }
}

/**
 * Every record with its row number as Excel shows it (a quoted line break stays in its row),
 * in batches: one await per record would cost more than parsing it.
 */
async function* csvRows(path: string, encoding: TextEncoding, delimiter: string) {
  const parser = parse({ ...CSV_OPTIONS, delimiter });
  const batches = pipeline(csvInput(path, encoding), parser, inBatches(), () => {});
  let rowNumber = 0;

  try {
    for await (const records of batches as AsyncIterable<string[][]>) {
      yield records.map((record): SheetRow => ({
        rowNumber: ++rowNumber,
        cells: record.map(textCell),
      }));
    }
  } catch (error) {
    if (error instanceof CsvError) throw malformed(error, parser.info.records + 1);
    throw error;
  }
}

function inBatches(size = 512): Transform {
  let batch: unknown[] = [];

  return new Transform({
    objectMode: true,
    transform(record, _encoding, done) {
      batch.push(record);
      if (batch.length < size) return done();
      const full = batch;
      batch = [];
      done(null, full);
    },
    flush(done) {
      done(null, batch.length ? batch : undefined);
    },
  });
}

function malformed(error: CsvError, rowNumber: number): IntakeFileError {
  const what =
    error.code === 'CSV_QUOTE_NOT_CLOSED'
      ? 'a quote opens and never closes'
      : error.code === 'CSV_MAX_RECORD_SIZE'
        ? 'a row is longer than 1 MB'
        : error.message;

  return new IntakeFileError(
    'csv_malformed',
    `The CSV cannot be read from row ${rowNumber} on: ${what}. Check that row in the file.`,
    `CSV 文件从第 ${rowNumber} 行起无法读取（${what}）。请检查该行。`,
  );
}
