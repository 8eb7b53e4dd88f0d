import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { Entry } from 'yauzl';
import type { IntakeLimits } from './attendance-file.js';
import type { SheetRow } from './cell.js';
import { IntakeFileError } from './intake-error.js';
import { toCell } from './xlsx-cells.js';
import { type GuardedZip, openGuardedZip, zipFailure } from './zip-guard.js';

// The parts of exceljs's streaming reader we drive. Its public read() unzips front to back
// through local headers: Excel stores sharedStrings.xml after the sheets, so every sheet would
// be spooled to a temp file first, and a read stopped after the header leaves those files
// behind. Feeding its parsers entries that yauzl opens by the central directory reads each part
// once, in the order needed, through the same entries the zip guard has checked.
type StreamingParts = {
  _parseRels(entry: Readable): Promise<void>;
  _parseWorkbook(entry: Readable): Promise<void>;
  _parseStyles(entry: Readable): Promise<void>;
  _parseSharedStrings(entry: Readable): AsyncIterable<unknown>;
  _parseWorksheet(entry: Readable, sheetNo: string): Iterable<{ value: SheetEvents }>;
  model?: { sheets?: Array<{ name: string; rId: string; state?: string }> };
  workbookRels?: Array<{ Id: string; Target: string }>;
  properties?: { model?: { date1904?: boolean } };
};

type ExcelRow = { number: number; values: unknown[] };
type SheetEvents = {
  parse(): AsyncIterable<Array<{ eventType: string; value: ExcelRow }>>;
};

export type Workbook = {
  sheets: string[];
  sheet: string;
  date1904: boolean;
  /** The sheet's rows, in batches as the XML parser produces them. */
  rows(): AsyncGenerator<SheetRow[]>;
  close(): void;
};

/** Opens the workbook's parts and one sheet: the one named, or the first visible one. */
export async function openWorkbook(
  path: string,
  limits: IntakeLimits,
  sheetName?: string,
): Promise<Workbook> {
  const guarded = await openGuardedZip(path, limits);

  try {
    return await readParts(path, guarded, sheetName);
  } catch (error) {
    guarded.zip.close();
    throw zipFailure(error);
  }
}

async function readParts(path: string, { zip, entries }: GuardedZip, sheetName?: string) {
  const open = async (name: string) => {
    const entry = entries.get(name);
    return entry ? utf8(await zip.openReadStreamPromise(entry)) : null;
  };
  const parts = new ExcelJS.stream.xlsx.WorkbookReader(path, {
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'cache',
    worksheets: 'emit',
  }) as unknown as StreamingParts;

  if (!entries.has('xl/workbook.xml') || !entries.has('xl/_rels/workbook.xml.rels')) {
    throw notAWorkbook();
  }

  await parts._parseWorkbook((await open('xl/workbook.xml')) as Readable);
  await parts._parseRels((await open('xl/_rels/workbook.xml.rels')) as Readable);

  const stylesXml = await open('xl/styles.xml');
  if (stylesXml) await parts._parseStyles(stylesXml);

  const sharedStringsXml = await open('xl/sharedStrings.xml');
  if (sharedStringsXml) for await (const _ of parts._parseSharedStrings(sharedStringsXml));

  const sheets = (parts.model?.sheets ?? []).map((sheet) => ({
    ...sheet,
    entry: entries.get(sheetPath(parts, sheet.rId)),
  }));
  const chosen = sheetName
    ? sheets.find((sheet) => sheet.name.trim() === sheetName.trim())
    : (sheets.find((sheet) => !sheet.state || sheet.state === 'visible') ?? sheets[0]);

  if (!chosen)
    throw sheetNotFound(
      sheetName ?? '',
      sheets.map((sheet) => sheet.name),
    );
  if (!chosen.entry) throw notAWorkbook();
  const sheetEntry: Entry = chosen.entry;

  return {
    sheets: sheets.map((sheet) => sheet.name),
    sheet: chosen.name,
    date1904: parts.properties?.model?.date1904 === true,
    close: () => zip.close(),
    async *rows() {
      let stream: Readable | undefined;

      try {
        stream = utf8(await zip.openReadStreamPromise(sheetEntry));
        for (const { value: sheet } of parts._parseWorksheet(stream, '1')) {
          for await (const events of sheet.parse()) {
            const rows = events.filter((event) => event.eventType === 'row');
            if (rows.length) yield rows.map((event) => sheetRow(event.value));
          }
        }
      } catch (error) {
        throw zipFailure(error);
      } finally {
        stream?.destroy();
      }
    },
  };
}

// exceljs decodes each chunk on its own, which splits a Chinese character that straddles two
// chunks into replacement characters; a stream that decodes itself keeps characters whole.
// The readers below listen for errors too; the empty listener only keeps an error on a part
// abandoned after another part failed from becoming an uncaught exception.
function utf8(stream: Readable): Readable {
  return stream.setEncoding('utf8').on('error', () => {});
}

function sheetPath(parts: StreamingParts, rId: string): string {
  const target = parts.workbookRels?.find((rel) => rel.Id === rId)?.Target ?? '';
  return target.startsWith('/') ? target.slice(1) : posix.normalize(`xl/${target}`);
}

// Row.values is 1-based and sparse; cells are 0-based and dense.
function sheetRow(row: ExcelRow): SheetRow {
  const values = row.values.slice(1);
  return { rowNumber: row.number, cells: Array.from(values, (value) => toCell(value)) };
}

function notAWorkbook(): IntakeFileError {
  return new IntakeFileError(
    'file_format_unknown',
    'The file is a zip archive but not an Excel workbook. Upload an .xlsx or .csv file.',
    '文件是压缩包，不是 Excel 工作簿。请上传 .xlsx 或 .csv 文件。',
  );
}

function sheetNotFound(name: string, names: string[]): IntakeFileError {
  return new IntakeFileError(
    'sheet_not_found',
    `The workbook has no sheet named "${name}". Its sheets: ${names.join(', ') || '(none)'}.`,
    `工作簿中没有名为“${name}”的工作表。现有工作表：${names.join('、') || '（无）'}。`,
  );
}
