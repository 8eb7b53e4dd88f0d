import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import {
  IntakeFileError,
  openAttendanceFile,
  type OpenOptions,
} from '../../src/intake/attendance-file.js';
import { allRows, fixture } from './read-fixture.js';

async function refusal(path: string, options: OpenOptions = {}): Promise<IntakeFileError> {
  try {
    await allRows(await openAttendanceFile(path, options));
  } catch (error) {
    assert.ok(error instanceof IntakeFileError, `expected an IntakeFileError, got ${error}`);
    return error;
  }
  assert.fail(`${path} was read without a refusal`);
}

describe('attendance files refused as a whole', () => {
  for (const [name, code, says] of [
    ['empty.csv', 'file_empty', /empty/],
    ['junk.csv', 'file_format_unknown', /binary file/],
    ['image.xlsx', 'file_format_unknown', /PNG image/],
    ['not-a-workbook.xlsx', 'file_format_unknown', /not an Excel workbook/],
    ['truncated.xlsx', 'file_truncated', /incomplete/],
    ['corrupt.xlsx', 'file_corrupt', /damaged/],
    ['zip-bomb.xlsx', 'xlsx_too_large', /MB unpacked/],
    ['zip-ratio-bomb.xlsx', 'xlsx_too_large', /times larger/],
    ['zip-lying-size.xlsx', 'xlsx_too_large', /more than its directory declares/],
    ['big5.csv', 'file_encoding_unsupported', /Big5/],
    ['shift-jis.csv', 'file_encoding_unsupported', /Shift-JIS/],
    ['no-header.csv', 'header_not_found', /上课日期/],
    ['missing-status-column.csv', 'missing_columns', /签到状态/],
    ['named-sheet.xlsx', 'header_not_found', /no header row/],
    ['unclosed-quote.csv', 'csv_malformed', /row 3.*never closes/],
  ] as const) {
    it(`${name} is refused with ${code} and a message saying why`, async () => {
      const error = await refusal(fixture(name), { fileName: name });

      assert.equal(error.code, code);
      assert.match(error.message, says);
      assert.ok(error.messageZh.length > 0);
    });
  }

  it('answers a workbook damaged anywhere with its rows or an IntakeFileError, never a crash', async () => {
    const good = readFileSync(fixture('good.xlsx'));
    const dir = mkdtempSync(join(tmpdir(), 'intake-damaged-'));
    const outcomes = new Set<string>();

    try {
      for (let at = 0; at < good.length; at += 97) {
        const bytes = Buffer.from(good);
        for (let k = at; k < Math.min(at + 24, bytes.length); k++)
          bytes[k] = (bytes[k] ?? 0) ^ 0xa5;
        const path = join(dir, `damaged-${at}.xlsx`);
        writeFileSync(path, bytes);

        try {
          outcomes.add(`read ${(await allRows(await openAttendanceFile(path))).length} rows`);
        } catch (error) {
          assert.ok(error instanceof IntakeFileError, `byte ${at}: ${error}`);
          outcomes.add(error.code);
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    assert.ok(outcomes.has('file_corrupt'));
  });

  it('names the sheets a workbook has when the named one is missing', async () => {
    const error = await refusal(fixture('named-sheet.xlsx'), { sheet: '四月' });

    assert.equal(error.code, 'sheet_not_found');
    assert.match(error.message, /说明, 三月签到/);
  });

  it('stops with too_many_rows after the allowed rows have been read', async () => {
    const file = await openAttendanceFile(fixture('good-utf8.csv'), { limits: { maxRows: 3 } });
    const seen: number[] = [];

    await assert.rejects(
      async () => {
        for await (const row of file.rows()) seen.push(row.rowNumber);
      },
      (error) => error instanceof IntakeFileError && error.code === 'too_many_rows',
    );
    assert.deepEqual(seen, [2, 3, 4]);
  });

  it('refuses a workbook with more parts than allowed before reading any', async () => {
    const error = await refusal(fixture('good.xlsx'), { limits: { maxXlsxEntries: 3 } });

    assert.equal(error.code, 'xlsx_too_large');
  });

  describe('with files written for the test', () => {
    let dir: string;

    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'intake-'));
    });

    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('refuses UTF-16 text and says how to save it', async () => {
      const path = join(dir, 'unicode.txt');
      writeFileSync(
        path,
        Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('姓名', 'utf16le')]),
      );

      const error = await refusal(path);
      assert.equal(error.code, 'file_encoding_unsupported');
      assert.match(error.message, /UTF-16/);
    });

    it('refuses a UTF-8 file that turns into GBK after the sniffed megabyte, naming the line', async () => {
      const path = join(dir, 'mixed.csv');
      const row = '李芳,13800138000,孕期营养,2025-03-08,出勤\n';
      const rows = 30_000;
      writeFileSync(
        path,
        Buffer.concat([
          Buffer.from(`姓名,手机号,课程名称,上课日期,签到状态\n${row.repeat(rows)}`),
          iconv.encode('王晓燕,13912345678,孕期营养,2025-03-08,迟到\n', 'gbk'),
        ]),
      );

      const file = await openAttendanceFile(path);
      assert.equal(file.facts.encoding, 'utf-8');

      const error = await refusal(path);
      assert.equal(error.code, 'file_encoding_mixed');
      assert.match(error.message, new RegExp(`line ${rows + 2}\\b`));
    });
  });
});
