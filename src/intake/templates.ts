import ExcelJS from 'exceljs';

export type InstitutionKind = 'hospital' | 'school' | 'street';

type Column = { header: string; example: string | Date; width: number; text?: boolean };

// Each kind names parents by what its own system knows: a hospital by its patient card, a
// school by its student number, a community office only by phone.
const PERSON_COLUMN: Record<InstitutionKind, Column | null> = {
  hospital: { header: '就诊卡号', example: 'JZ20250001', width: 14, text: true },
  school: { header: '学号', example: '2025010101', width: 14, text: true },
  street: null,
};

const EXAMPLE_COURSE: Record<InstitutionKind, [string, string]> = {
  hospital: ['YQ-01', '孕期营养与体重管理'],
  school: ['JX-03', '如何陪伴孩子写作业'],
  street: ['SQ-02', '亲子沟通工作坊'],
};

function columns(kind: InstitutionKind): Column[] {
  const [courseCode, courseName] = EXAMPLE_COURSE[kind];
  const person = PERSON_COLUMN[kind];

  return [
    { header: '姓名', example: '李芳', width: 10 },
    { header: '手机号', example: '13800138000', width: 14, text: true },
    ...(person ? [person] : []),
    { header: '课程编号', example: courseCode, width: 10, text: true },
    { header: '课程名称', example: courseName, width: 22 },
    { header: '上课日期', example: new Date(Date.UTC(2025, 2, 8)), width: 12 },
    { header: '开始时间', example: '09:00', width: 10, text: true },
    { header: '结束时间', example: '10:30', width: 10, text: true },
    { header: '签到状态', example: '出勤', width: 10 },
    { header: '时长(分钟)', example: '90', width: 11, text: true },
  ];
}

const INSTRUCTIONS = [
  '每行一位家长的一次上课记录；第一行是表头，请勿修改表头文字。',
  '签到状态填写：出勤、迟到、缺勤、请假。',
  '上课日期写成 2025-03-08；开始、结束时间写成 09:00。',
  '手机号、就诊卡号、学号至少填写一项，平台据此找到家长。',
  'One row per parent per class. Status: 出勤 present, 迟到 late, 缺勤 absent, 请假 excused.',
];

/** A file an institution fills in: Chinese headers and one example row. */
export async function attendanceTemplate(
  kind: InstitutionKind,
  format: 'csv' | 'xlsx',
): Promise<Buffer> {
  return format === 'csv' ? csvTemplate(columns(kind)) : xlsxTemplate(columns(kind));
}

// A BOM and CRLF, so that Excel on Chinese Windows opens the file as UTF-8 and not as GBK.
function csvTemplate(cols: Column[]): Buffer {
  const example = cols.map(({ example }) =>
    example instanceof Date ? example.toISOString().slice(0, 10) : example,
  );
  const lines = [cols.map((col) => col.header).join(','), example.join(',')];
  return Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');
}

async function xlsxTemplate(cols: Column[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('签到表');

  sheet.columns = cols.map((col) => ({
    header: col.header,
    width: col.width,
    // Text format keeps Excel from turning phone and card numbers into 1.38E+10.
    style: col.text ? { numFmt: '@' } : col.example instanceof Date ? { numFmt: 'yyyy-mm-dd' } : {},
  }));
  sheet.getRow(1).font = { bold: true };
  sheet.addRow(cols.map((col) => col.example));

  const help = workbook.addWorksheet('填写说明');
  for (const line of INSTRUCTIONS) help.addRow([line]);
  help.getColumn(1).width = 80;

  return Buffer.from(await workbook.xlsx.writeBuffer());
}
