import type { AttendanceField, ColumnAliases } from './attendance-file.js';

/** Header texts recognised for each field, before an institution's own aliases are added. */
export const DEFAULT_ALIASES: Record<AttendanceField, string[]> = {
  name: ['name', 'full name', '姓名', '名字', '学员姓名', '家长姓名'],
  phone: ['phone', 'phone number', 'mobile', '手机号', '手机', '手机号码', '联系电话', '电话'],
  idNumber: ['id number', 'id no', 'id card', '身份证号', '身份证号码', '身份证', '证件号码'],
  cardNumber: ['card number', 'card no', '就诊卡号', '就诊卡', '卡号'],
  studentNumber: ['student number', 'student no', 'student id', '学号', '学生编号'],
  courseCode: ['course code', 'course id', '课程编号', '课程代码'],
  courseName: ['course', 'course name', '课程名称', '课程', '课程名'],
  date: ['date', 'session date', 'class date', '日期', '上课日期', '签到日期'],
  start: ['start', 'start time', '开始时间', '上课时间'],
  end: ['end', 'end time', '结束时间', '下课时间'],
  status: ['status', 'attendance', '签到状态', '状态', '出勤状态', '考勤状态'],
  duration: ['duration', 'minutes', '时长', '时长分钟', '分钟数'],
};

export const PERSON_KEY_FIELDS = ['phone', 'idNumber', 'cardNumber', 'studentNumber'] as const;

// Traditional forms of the characters our aliases use, so that headers typed in Traditional
// Chinese match, and so that a Big5 file can be recognised by its header (see decode-text.ts).
const TRADITIONAL: Record<string, string> = {
  機: '机',
  號: '号',
  碼: '码',
  證: '证',
  課: '课',
  稱: '称',
  時: '时',
  間: '间',
  開: '开',
  結: '结',
  簽: '签',
  狀: '状',
  態: '态',
  長: '长',
  鐘: '钟',
  學: '学',
  診: '诊',
  聯: '联',
  繫: '系',
  話: '话',
  電: '电',
  員: '员',
  編: '编',
};

/**
 * The comparable form of a header: full-width folded (NFKC), lower case, Traditional folded to
 * Simplified, without spaces, punctuation, a required-field star or a unit in brackets, so
 * "时长（分钟）", " Start Time " and "*手機號碼" all compare by their words.
 */
export function normaliseHeader(text: string): string {
  return [...text.normalize('NFKC').toLowerCase()]
    .map((char) => TRADITIONAL[char] ?? char)
    .join('')
    .trim()
    .replace(/\([^)]*\)$/, '')
    .replace(/[\s_\-.:*#/()]/g, '');
}

/** Every recognised header in its comparable form → its field; institution aliases win. */
export function aliasTable(extra: ColumnAliases = {}): Map<string, AttendanceField> {
  const table = new Map<string, AttendanceField>();

  for (const [field, aliases] of Object.entries(DEFAULT_ALIASES)) {
    for (const alias of aliases) table.set(normaliseHeader(alias), field as AttendanceField);
  }

  for (const [field, aliases] of Object.entries(extra)) {
    for (const alias of aliases ?? []) table.set(normaliseHeader(alias), field as AttendanceField);
  }

  return table;
}

/** The headers a person should use, for "header not found" messages. */
export const EXPECTED_HEADERS =
  '姓名, 手机号, 就诊卡号 / 学号, 课程编号, 课程名称, 上课日期, 开始时间, 签到状态';
