import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { attendanceTemplate, openAttendanceFile } from '../../src/intake/attendance-file.js';
import { allRows, outcomes, readFixture } from './read-fixture.js';

describe('the same attendance in every format and encoding', () => {
  it('gives the same rows from UTF-8, UTF-8 with BOM, GBK, GB18030 and XLSX', async () => {
    const utf8 = await readFixture('good-utf8.csv');
    const expected = utf8.rows.map((row) => (row.ok ? row.row : row.rejection));

    for (const name of ['good-utf8-bom.csv', 'good-gbk.csv', 'good-gb18030.csv', 'good.xlsx']) {
      const { rows } = await readFixture(name);
      const logical = rows
        .slice(0, expected.length)
        .map((row) => (row.ok ? row.row : row.rejection));
      assert.deepEqual(logical, expected, name);
    }
  });

  it('reads the rows of the UTF-8 file as written', async () => {
    const { rows } = await readFixture('good-utf8.csv');

    assert.deepEqual(rows[4]?.ok && rows[4].row, {
      name: '赵丽',
      phone: '+8615800001234',
      cardNumber: 'JZ20250005',
      courseCode: 'YQ-03',
      courseName: '母乳喂养,常见问题',
      sessionDate: '2025-03-22',
      startTime: '09:30',
      endTime: '11:00',
      status: 'present',
      durationMinutes: 90,
    });
  });

  for (const [name, encoding] of [
    ['good-utf8.csv', 'utf-8'],
    ['good-utf8-bom.csv', 'utf-8-bom'],
    ['good-gbk.csv', 'gb18030'],
    ['good-gb18030.csv', 'gb18030'],
    ['english-header-gbk.csv', 'gb18030'],
  ] as const) {
    it(`says ${name} was read as ${encoding}`, async () => {
      const { facts } = await readFixture(name);
      assert.equal(facts.encoding, encoding);
    });
  }

  it('reads a name only GB18030 can hold', async () => {
    const { rows } = await readFixture('good-gb18030.csv');
    assert.equal(rows[5]?.ok && rows[5].row.name, '刘䶮');
  });

  it('finds GBK text after an all-English header', async () => {
    const { rows } = await readFixture('english-header-gbk.csv');
    assert.equal(rows[1]?.ok && rows[1].row.name, '王晓燕');
  });
});

describe('attendance templates', () => {
  let dir: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'intake-templates-'));
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const kind of ['hospital', 'school', 'street'] as const) {
    for (const format of ['csv', 'xlsx'] as const) {
      it(`the ${kind} ${format} template reads back with its example row and no rejection`, async () => {
        const path = join(dir, `${kind}.${format}`);
        writeFileSync(path, await attendanceTemplate(kind, format));

        const file = await openAttendanceFile(path);
        const rows = await allRows(file);
        const columns = Object.values(file.facts.columns);

        assert.deepEqual(outcomes(rows), ['ok']);
        assert.deepEqual(file.facts.ignoredColumns, []);
        assert.equal(columns.includes('就诊卡号'), kind === 'hospital');
        assert.equal(columns.includes('学号'), kind === 'school');
        assert.equal(rows[0]?.ok && rows[0].row.sessionDate, '2025-03-08');
      });
    }
  }

  it('writes the CSV template with a BOM so Excel on Chinese Windows opens it as UTF-8', async () => {
    const csv = await attendanceTemplate('street', 'csv');
    assert.deepEqual([...csv.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  });
});
