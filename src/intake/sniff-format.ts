import { open } from 'node:fs/promises';
import { IntakeFileError } from './intake-error.js';

const SNIFF_BYTES = 4096;

// Magic numbers of files people send by mistake, named so the answer says what was received.
const KNOWN_BINARIES: Array<{ magic: number[]; what: string; whatZh: string }> = [
  { magic: [0x89, 0x50, 0x4e, 0x47], what: 'a PNG image', whatZh: 'PNG 图片' },
  { magic: [0xff, 0xd8, 0xff], what: 'a JPEG image', whatZh: 'JPEG 图片' },
  { magic: [0x47, 0x49, 0x46, 0x38], what: 'a GIF image', whatZh: 'GIF 图片' },
  { magic: [0x25, 0x50, 0x44, 0x46], what: 'a PDF document', whatZh: 'PDF 文档' },
  {
    magic: [0xd0, 0xcf, 0x11, 0xe0],
    what: 'an Excel 97-2003 (.xls) or password-protected workbook',
    whatZh: '旧版 Excel（.xls）或加密的工作簿',
  },
  { magic: [0x1f, 0x8b], what: 'a gzip archive', whatZh: 'gzip 压缩包' },
  { magic: [0x52, 0x61, 0x72, 0x21], what: 'a RAR archive', whatZh: 'RAR 压缩包' },
  { magic: [0x37, 0x7a, 0xbc, 0xaf], what: 'a 7-Zip archive', whatZh: '7-Zip 压缩包' },
];

// "PK" and a record type: a local file header, or the end record of an empty archive.
const ZIP_MAGICS = [
  [0x50, 0x4b, 0x03, 0x04],
  [0x50, 0x4b, 0x05, 0x06],
];

/**
 * Tells an XLSX (a zip) from text by the first bytes, never by the file name: staff rename
 * files, and a browser may send any name.
 */
export async function sniffFormat(path: string): Promise<'csv' | 'xlsx'> {
  const head = await readHead(path);

  if (head.length === 0) {
    throw new IntakeFileError(
      'file_empty',
      'The file is empty. Export the attendance again and upload the saved file.',
      '文件是空的。请重新导出签到表并上传保存后的文件。',
    );
  }

  if (ZIP_MAGICS.some((magic) => startsWith(head, magic))) return 'xlsx';

  const known = KNOWN_BINARIES.find((binary) => startsWith(head, binary.magic));
  if (known) throw notAttendance(known.what, known.whatZh);

  if (startsWith(head, [0xff, 0xfe]) || startsWith(head, [0xfe, 0xff])) {
    throw new IntakeFileError(
      'file_encoding_unsupported',
      'The file is UTF-16 text ("Unicode text" in Excel). Save it as "CSV UTF-8" or as .xlsx.',
      '文件是 UTF-16 文本（Excel 的“Unicode 文本”）。请另存为“CSV UTF-8”或 .xlsx。',
    );
  }

  if (head.includes(0)) throw notAttendance('a binary file', '二进制文件');
  return 'csv';
}

async function readHead(path: string): Promise<Buffer> {
  const file = await open(path, 'r');

  try {
    const buffer = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await file.read(buffer, 0, SNIFF_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}

function startsWith(head: Buffer, magic: number[]): boolean {
  return magic.every((byte, index) => head[index] === byte);
}

function notAttendance(what: string, whatZh: string): IntakeFileError {
  return new IntakeFileError(
    'file_format_unknown',
    `This is ${what}, not an attendance sheet. Upload the attendance as .xlsx or .csv.`,
    `这是${whatZh}，不是签到表。请上传 .xlsx 或 .csv 格式的签到表。`,
  );
}
