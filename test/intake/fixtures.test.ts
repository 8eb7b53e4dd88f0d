import assert from 'node:assert/strict';
import { openAttendanceFile } from '../../src/intake/attendance-file.js';
import { allRows, fixture, outcomes, readFixture } from './read-fixture.js';

// Each readable fixture, with its data rows counted by hand: every one of them must come out
// as exactly one accepted or rejected row, in file order, with the row number Excel shows.
const READABLE: Array<{
  name: string;
  rowNumbers: number[];
  outcomes: string[];
  facts?: Record<string, unknown>;
}> = [
  { name: 'good-utf8.csv', rowNumbers: [2, 3, 4, 5, 6], outcomes: Array(5).fill('ok') },
  { name: 'header-only.csv', rowNumbers: [], outcomes: [] },
  {
    name: 'semicolon-title.csv',
    rowNumbers: [4, 5],
    outcomes: ['ok', 'ok'],
    facts: { headerRow: 3 },
  },
  { name: 'tab-delimited.csv', rowNumbers: [2], outcomes: ['ok'] },
  {
    name: 'ragged.csv',
    rowNumbers: [2, 3, 4, 5],
    outcomes: ['ok', 'missing_field', 'row_too_long', 'ok'],
  },
  {
    name: 'quoted-line-breaks.csv',
    rowNumbers: [2, 3, 4],
    outcomes: ['ok', 'ok', 'ok'],
    facts: { ignoredColumns: ['备注'] },
  },
  {
    name: 'five-date-formats.csv',
    rowNumbers: [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
    outcomes: [...Array(8).fill('ok'), 'bad_date', 'bad_date', 'bad_date'],
  },
  {
    name: 'unknown-status.csv',
    rowNumbers: [2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
    outcomes: [...Array(8).fill('ok'), 'unknown_status', 'unknown_status'],
  },
  {
    name: 'formula-text.csv',
    rowNumbers: [2, 3, 4, 5, 6],
    outcomes: ['ok', 'ok', 'bad_phone', 'unknown_status', 'bad_duration'],
  },
  { name: 'duplicate-rows.csv', rowNumbers: [2, 3, 4], outcomes: ['ok', 'ok', 'ok'] },
  // Blank lines and rows of empty cells are not data rows, but they keep Excel's numbering.
  { name: 'blank-rows.csv', rowNumbers: [2, 5], outcomes: ['ok', 'ok'] },
  { name: 'ten-extra-columns.csv', rowNumbers: [2, 3], outcomes: ['ok', 'ok'] },
  {
    name: 'bad-values.csv',
    rowNumbers: [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
    outcomes: [
      'ok',
      'no_person_key',
      'bad_phone',
      'bad_phone',
      'bad_id_number',
      'missing_field',
      'bad_time',
      'bad_time',
      'bad_duration',
      'missing_field',
      'missing_field',
    ],
  },
  { name: 'english-header-gbk.csv', rowNumbers: [2, 3], outcomes: ['ok', 'ok'] },
  {
    name: 'good.xlsx',
    rowNumbers: [4, 5, 6, 7, 8],
    outcomes: Array(5).fill('ok'),
    facts: { format: 'xlsx', sheet: '签到表', headerRow: 3, ignoredColumns: ['备注'] },
  },
  { name: 'minimal.xlsx', rowNumbers: [2], outcomes: ['ok'], facts: { sheet: 'Sheet1' } },
];

describe('reading the attendance fixtures', () => {
  for (const expected of READABLE) {
    it(`${expected.name} gives every data row once, as accepted or rejected`, async () => {
      const { facts, rows } = await readFixture(expected.name);

      assert.deepEqual(
        rows.map((row) => row.rowNumber),
        expected.rowNumbers,
      );
      assert.deepEqual(outcomes(rows), expected.outcomes);
      assert.equal(
        rows.filter((row) => row.ok).length + rows.filter((row) => !row.ok).length,
        expected.rowNumbers.length,
      );
      for (const [key, value] of Object.entries(expected.facts ?? {})) {
        assert.deepEqual(facts[key as keyof typeof facts], value, key);
      }
    });
  }

  it('reads headers an institution has added as aliases, in any case and width', async () => {
    const aliases = {
      phone: ['家长电话'],
      courseName: ['活动名称'],
      date: ['活动日期'],
      status: ['到场情况'],
      name: ['ＸＵＥＹＵＡＮ', '学员'],
    };
    const { facts, rows } = await readFixture('custom-headers.csv', { aliases });

    assert.deepEqual(facts.columns, {
      name: '学员',
      phone: '家长电话',
      courseName: '活动名称',
      date: '活动日期',
      status: '到场情况',
    });
    assert.deepEqual(outcomes(rows), ['ok']);
  });

  it('does not guess headers nobody has named', async () => {
    await assert.rejects(readFixture('custom-headers.csv'), { code: 'header_not_found' });
  });

  it('keeps each row as read, every column under its header text', async () => {
    const { rows } = await readFixture('ten-extra-columns.csv');

    assert.equal(Object.keys(rows[0]?.raw ?? {}).length, 20);
    assert.equal(rows[0]?.raw.孕周, '24');
    assert.equal(rows[0]?.raw.讲师, '刘医生');
    assert.equal(rows[0]?.raw.姓名, '李芳');
  });

  it('lists the ten columns nobody asked for as ignored and maps the rest', async () => {
    const { facts } = await readFixture('ten-extra-columns.csv');

    assert.deepEqual(facts.ignoredColumns, [
      '备注',
      '班级',
      '年龄',
      '孕周',
      '地址',
      '邮箱',
      '紧急联系人',
      '签到方式',
      '座位号',
      '讲师',
    ]);
    assert.equal(facts.columns.duration, '时长(分钟)');
    assert.equal(facts.columns.cardNumber, '就诊卡号');
  });

  it('keeps line breaks and doubled quotes inside quoted cells', async () => {
    const { rows } = await readFixture('quoted-line-breaks.csv');

    assert.equal(rows[0]?.ok && rows[0].row.courseName, '孕期营养\r\n与体重管理');
    assert.equal(rows[1]?.ok && rows[1].row.name, '王"小"燕');
    assert.equal(rows[1]?.raw.备注, '第一行\n第二行\n第三行');
  });

  it('reads the same day from every accepted date format, and a time written with the date', async () => {
    const { rows } = await readFixture('five-date-formats.csv');
    const accepted = rows.flatMap((row) => (row.ok ? [row.row] : []));

    assert.deepEqual(new Set(accepted.map((row) => row.sessionDate)), new Set(['2025-03-08']));
    assert.equal(accepted[6]?.startTime, '09:30');
    assert.match(rows[8]?.ok === false ? rows[8].rejection.message : '', /13 is no month/);
  });

  it('maps each status word to its status', async () => {
    const { rows } = await readFixture('unknown-status.csv');

    assert.deepEqual(
      rows.map((row) => (row.ok ? row.row.status : row.rejection.code)),
      [
        'present',
        'present',
        'present',
        'late',
        'absent',
        'absent',
        'excused',
        'present',
        'unknown_status',
        'unknown_status',
      ],
    );
  });

  it('keeps cells that look like formulas as plain text, never evaluated', async () => {
    const { rows } = await readFixture('formula-text.csv');

    assert.equal(rows[0]?.ok && rows[0].row.name, '=HYPERLINK("http://example.com/x","点我")');
    assert.equal(rows[1]?.ok && rows[1].row.name, '@SUM(1+1)');
    assert.equal(rows[1]?.ok && rows[1].row.courseName, "+cmd|' /C calc'!A0");
  });

  it('gives both copies of a duplicated row: recognising duplicates is the record’s job', async () => {
    const { rows } = await readFixture('duplicate-rows.csv');

    assert.deepEqual(rows[0]?.ok && rows[0].row, rows[1]?.ok && rows[1].row);
  });

  it('validates ID numbers by their check digit and keeps X upper case', async () => {
    const { rows } = await readFixture('bad-values.csv');

    assert.equal(rows[0]?.ok && rows[0].row.idNumber, '11010519491231002X');
    assert.equal(rows[4]?.ok === false && rows[4].rejection.field, 'idNumber');
  });

  it('says when Excel has shortened a phone number', async () => {
    const { rows } = await readFixture('bad-values.csv');

    assert.match(
      rows[3]?.ok === false ? rows[3].rejection.message : '',
      /format the column as text/,
    );
  });

  it('reads a ragged row that stops early as far as it goes', async () => {
    const { rows } = await readFixture('ragged.csv');

    assert.equal(rows[0]?.ok && rows[0].row.durationMinutes, undefined);
    assert.equal(rows[1]?.ok === false && rows[1].rejection.field, 'status');
  });

  it('reads a workbook below its merged title rows: date cells, serials, text dates, formulas and rich text', async () => {
    const { rows } = await readFixture('good.xlsx');

    assert.equal(rows[3]?.raw.姓名, '陈静');
    assert.equal(rows[4]?.raw.姓名, '赵丽');
    assert.equal(rows[0]?.raw.备注, '=SUM(1,2)');
    assert.equal(rows[0]?.raw.上课日期, '2025-03-08');
    assert.equal(rows[2]?.ok && rows[2].row.sessionDate, '2025-03-15');
    assert.equal(rows[4]?.ok && rows[4].row.startTime, '09:30');
  });

  it('reads a named sheet of a workbook', async () => {
    const { facts, rows } = await readFixture('named-sheet.xlsx', { sheet: '三月签到' });

    assert.equal(facts.sheet, '三月签到');
    assert.deepEqual(outcomes(rows), ['ok', 'ok']);
    assert.equal(rows[1]?.ok && rows[1].row.status, 'excused');
  });

  it('reads the rows again from the start when asked twice', async () => {
    const file = await openAttendanceFile(fixture('good.xlsx'));

    assert.deepEqual(await allRows(file), await allRows(file));
  });
});
