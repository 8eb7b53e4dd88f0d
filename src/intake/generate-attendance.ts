import { createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { once } from 'node:events';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';

export type GeneratedPerson = { phone?: string; cardNumber?: string };

export type GenerateOptions = {
  rows: number;
  format: 'csv' | 'xlsx';
  /** CSV only; XLSX text is always UTF-8. */
  encoding?: 'utf-8' | 'gb18030';
  /** Who attends; empty means made-up phone numbers. */
  persons: GeneratedPerson[];
  seed: number;
};

const HEADER = [
  '姓名',
  '手机号',
  '就诊卡号',
  '课程编号',
  '课程名称',
  '上课日期',
  '开始时间',
  '结束时间',
  '签到状态',
  '时长(分钟)',
];

const COURSES: Array<[string, string]> = [
  ['YQ-01', '孕期营养与体重管理'],
  ['YQ-02', '新生儿护理入门'],
  ['YQ-03', '母乳喂养常见问题'],
  ['YQ-04', '分娩准备与呼吸法'],
  ['JX-01', '如何陪伴孩子写作业'],
  ['JX-02', '青春期亲子沟通'],
  ['JX-03', '儿童情绪管理'],
  ['JX-04', '家庭阅读习惯养成'],
  ['SQ-01', '亲子沟通工作坊'],
  ['SQ-02', '婴幼儿安全与急救'],
  ['SQ-03', '隔代教养的分寸'],
  ['SQ-04', '家庭理财与儿童零花钱'],
];
const SLOTS: Array<[string, string, number]> = [
  ['09:00', '10:30', 90],
  ['10:45', '11:45', 60],
  ['14:00', '15:30', 90],
  ['19:00', '20:00', 60],
];
const SURNAMES = '王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕';
const GIVEN = '芳敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红娥玲芬燕彬鹏辉婷雪琳晶颖慧莉倩';
const CLASS_SIZE = 30;
const FIRST_DAY = Date.UTC(2025, 0, 6);
const CHUNK_ROWS = 2000;

type Row = {
  person: number;
  name: string;
  phone: string;
  card: string;
  session: Session;
  status: string;
};
type Session = {
  code: string;
  course: string;
  date: Date;
  start: string;
  end: string;
  minutes: number;
};

/**
 * Writes a realistic attendance file of `rows` rows, streamed to disk, the same bytes for the
 * same options. Classes of 30 follow each other (12 courses × 4 slots a day), each person at
 * most once per class, so no two rows are the same attendance while rows < persons × classes.
 */
export async function writeGeneratedAttendance(
  path: string,
  options: GenerateOptions,
): Promise<{ rows: number; bytes: number }> {
  const rows = generatedRows(options);

  if (options.format === 'xlsx') await writeXlsx(path, rows);
  else await writeCsv(path, rows, options.encoding ?? 'utf-8');

  return { rows: options.rows, bytes: (await stat(path)).size };
}

function* generatedRows(options: GenerateOptions): Generator<Row> {
  const random = mulberry32(options.seed);
  const people = Math.max(options.persons.length, 1);
  const classSize = Math.min(CLASS_SIZE, people);

  for (let index = 0; index < options.rows; index++) {
    const classIndex = Math.floor(index / classSize);
    const person = (classIndex * classSize + (index % classSize)) % people;
    const given = options.persons[person];
    const roll = random();

    yield {
      person,
      name: nameOf(person),
      phone: options.persons.length ? (given?.phone ?? '') : madeUpPhone(person),
      card: given?.cardNumber ?? '',
      session: sessionOf(classIndex),
      status: roll < 0.8 ? '出勤' : roll < 0.88 ? '迟到' : roll < 0.95 ? '缺勤' : '请假',
    };
  }
}

function sessionOf(classIndex: number): Session {
  const [code, course] = COURSES[classIndex % COURSES.length] ?? ['', ''];
  const [start, end, minutes] = SLOTS[Math.floor(classIndex / COURSES.length) % SLOTS.length] ?? [
    '',
    '',
    0,
  ];
  const day = Math.floor(classIndex / (COURSES.length * SLOTS.length));
  return { code, course, date: new Date(FIRST_DAY + day * 86_400_000), start, end, minutes };
}

function nameOf(person: number): string {
  const surname = SURNAMES[person % SURNAMES.length] ?? '';
  const first = GIVEN[Math.floor(person / SURNAMES.length) % GIVEN.length] ?? '';
  const second = person % 3 === 0 ? '' : (GIVEN[(person * 7) % GIVEN.length] ?? '');
  return surname + first + second;
}

function madeUpPhone(person: number): string {
  return `139${String(person).padStart(8, '0')}`;
}

function cells(row: Row): string[] {
  const { session } = row;
  const date = session.date.toISOString().slice(0, 10);
  const minutes = row.status === '缺勤' ? '' : String(session.minutes);
  return [
    row.name,
    row.phone,
    row.card,
    session.code,
    session.course,
    date,
    session.start,
    session.end,
    row.status,
    minutes,
  ];
}

async function writeCsv(path: string, rows: Iterable<Row>, encoding: 'utf-8' | 'gb18030') {
  const out = createWriteStream(path);
  const encode = (text: string) =>
    encoding === 'gb18030' ? iconv.encode(text, 'gb18030') : Buffer.from(text);
  let chunk = `${HEADER.join(',')}\r\n`;
  let inChunk = 0;

  for (const row of rows) {
    chunk += `${cells(row).join(',')}\r\n`;
    if (++inChunk < CHUNK_ROWS) continue;
    if (!out.write(encode(chunk))) await once(out, 'drain');
    chunk = '';
    inChunk = 0;
  }

  out.end(encode(chunk));
  await once(out, 'finish');
}

async function writeXlsx(path: string, rows: Iterable<Row>) {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    filename: path,
    useStyles: true,
    useSharedStrings: false,
  });
  const sheet = workbook.addWorksheet('签到表');
  sheet.addRow(HEADER).commit();

  for (const row of rows) {
    const values: Array<string | Date> = cells(row);
    values[5] = row.session.date;
    const added = sheet.addRow(values);
    added.getCell(6).numFmt = 'yyyy-mm-dd';
    added.commit();
  }

  sheet.commit();
  await workbook.commit();
}

// A small seeded generator: the same seed gives the same file on every machine.
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
