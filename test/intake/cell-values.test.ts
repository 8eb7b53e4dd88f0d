import assert from 'node:assert/strict';
import { normaliseHeader } from '../../src/intake/column-aliases.js';
import { checkCharacter, parseIdNumber } from '../../src/intake/id-number.js';
import { parseDate, parseTime, serialToUtc } from '../../src/intake/parse-date.js';
import { parseDuration } from '../../src/intake/parse-duration.js';
import { parseStatus } from '../../src/intake/parse-status.js';
import { validateRow } from '../../src/intake/validate-row.js';

const text = (value: string) => ({ text: value });
const value = <T>(parsed: { ok: true; value: T } | { ok: false }) =>
  parsed.ok ? parsed.value : null;

describe('reading cell values', () => {
  for (const [typed, expected] of [
    ['2025-03-08', { date: '2025-03-08' }],
    ['2025/3/8', { date: '2025-03-08' }],
    ['2025.3.8', { date: '2025-03-08' }],
    ['2025年3月8日', { date: '2025-03-08' }],
    ['２０２５年３月８日', { date: '2025-03-08' }],
    ['20250308', { date: '2025-03-08' }],
    ['08.03.2025', { date: '2025-03-08' }],
    ['3/8/2025', { date: '2025-03-08' }],
    ['2025-03-08 09:30', { date: '2025-03-08', time: '09:30' }],
    ['2025-03-08T09:30:00', { date: '2025-03-08', time: '09:30' }],
    ['2025年3月8日 下午2:30', { date: '2025-03-08', time: '14:30' }],
    ['45724', { date: '2025-03-08' }],
    ['2025/3/8 星期六', { date: '2025-03-08' }],
    ['2025-03-08 00:00:00', { date: '2025-03-08' }],
    ['2025-03-08（周六） 09:30', { date: '2025-03-08', time: '09:30' }],
  ] as const) {
    it(`reads the date "${typed}"`, () => {
      assert.deepEqual(value(parseDate(text(typed))), expected);
    });
  }

  for (const typed of ['13/8/2025', '2025-02-29', '2025-13-01', '1999-12-31', '3月8日', '']) {
    it(`refuses the date "${typed}"`, () => {
      assert.equal(parseDate(text(typed)).ok, false);
    });
  }

  it('reads Excel serials and date cells, with the time they hold', () => {
    assert.deepEqual(value(parseDate({ text: '', value: 45724.395833333336 })), {
      date: '2025-03-08',
      time: '09:30',
    });
    assert.deepEqual(value(parseDate({ text: '', value: new Date(Date.UTC(2025, 2, 8)) })), {
      date: '2025-03-08',
    });
    assert.deepEqual(value(parseDate({ text: '', value: 44262 }, true)), { date: '2025-03-08' });
    assert.deepEqual(value(parseDate({ text: '20250308', value: 20250308 })), {
      date: '2025-03-08',
    });
  });

  it('counts Excel serials past the 29 February 1900 that Excel invents', () => {
    assert.equal(serialToUtc(59, false)?.toISOString().slice(0, 10), '1900-02-28');
    assert.equal(serialToUtc(60, false), null);
    assert.equal(serialToUtc(61, false)?.toISOString().slice(0, 10), '1900-03-01');
    assert.equal(serialToUtc(1, false)?.toISOString().slice(0, 10), '1900-01-01');
  });

  for (const [typed, expected] of [
    ['9:30', '09:30'],
    ['09:30', '09:30'],
    ['09:30:00', '09:30'],
    ['9点30', '09:30'],
    ['9点30分', '09:30'],
    ['9点', '09:00'],
    ['9点半', '09:30'],
    ['下午2:30', '14:30'],
    ['2:30 PM', '14:30'],
    ['0.395833333', '09:30'],
  ] as const) {
    it(`reads the time "${typed}" as ${expected}`, () => {
      assert.equal(value(parseTime(text(typed))), expected);
    });
  }

  it('reads times from Excel day fractions and time cells', () => {
    assert.equal(value(parseTime({ text: '', value: 0.75 })), '18:00');
    assert.equal(
      value(parseTime({ text: '', value: new Date(Date.UTC(1899, 11, 30, 9, 29, 59, 999)) })),
      '09:30',
    );
    assert.equal(parseTime({ text: '', value: 1.5 }).ok, false);
    assert.equal(parseTime(text('25:00')).ok, false);
  });

  for (const [typed, expected] of [
    ['90', 90],
    ['90分钟', 90],
    ['90 min', 90],
    ['1.5小时', 90],
    ['1.5h', 90],
    ['1小时30分钟', 90],
  ] as const) {
    it(`reads the duration "${typed}" as ${expected} minutes`, () => {
      assert.equal(value(parseDuration(text(typed))), expected);
    });
  }

  for (const typed of ['-90', '0', '很久', '25小时']) {
    it(`refuses the duration "${typed}"`, () => {
      assert.equal(parseDuration(text(typed)).ok, false);
    });
  }

  for (const [typed, expected] of [
    ['出勤', 'present'],
    ['到课', 'present'],
    ['已签到', 'present'],
    ['PRESENT', 'present'],
    ['迟到', 'late'],
    ['缺勤', 'absent'],
    ['未到', 'absent'],
    ['请假', 'excused'],
    [' 请 假 ', 'excused'],
    ['待定', null],
    ['1', null],
  ] as const) {
    it(`reads the status "${typed}" as ${expected}`, () => {
      assert.equal(parseStatus(typed), expected);
    });
  }

  it('accepts an ID number whose check character matches, and upper-cases x', () => {
    assert.equal(checkCharacter('11010519491231002'), 'X');
    assert.equal(value(parseIdNumber('11010519491231002x')), '11010519491231002X');
  });

  for (const [typed, says] of [
    ['110105194912310021', /check digit/],
    ['110105491231002', /15-digit/],
    ['1.10105E+17', /shortened/],
    ['110105194913310020', /birth date/],
    ['1101051949123100', /18 characters/],
  ] as const) {
    it(`refuses the ID number "${typed}"`, () => {
      const parsed = parseIdNumber(typed);
      assert.equal(parsed.ok, false);
      assert.match(parsed.ok ? '' : parsed.message, says);
    });
  }

  for (const [typed, expected] of [
    ['时长（分钟）', '时长'],
    [' Start Time ', 'starttime'],
    ['*手機號碼', '手机号码'],
    ['身份证号(18位)', '身份证号'],
    ['ＰＨＯＮＥ', 'phone'],
  ] as const) {
    it(`compares the header "${typed}" as "${expected}"`, () => {
      assert.equal(normaliseHeader(typed), expected);
    });
  }

  it('reads a class written as one time range in the start column', () => {
    const columns = { date: 0, status: 1, phone: 2, courseName: 3, start: 4 };
    const cells = ['2025-03-08', '出勤', '13800138000', '孕期营养', '9:00-10:30'].map((typed) => ({
      text: typed,
    }));

    const validated = validateRow(cells, columns);
    assert.equal(validated.ok && validated.row.startTime, '09:00');
    assert.equal(validated.ok && validated.row.endTime, '10:30');
  });

  it('refuses an ID number that Excel kept as a number', () => {
    const columns = { date: 0, status: 1, idNumber: 2, courseName: 3 };
    const cells = [
      { text: '2025-03-08' },
      { text: '出勤' },
      { text: '110105194912310000', value: 110105194912310000 },
      { text: '孕期营养' },
    ];

    const validated = validateRow(cells, columns);
    assert.match(validated.ok ? '' : validated.rejection.message, /format the column as text/);
  });
});
