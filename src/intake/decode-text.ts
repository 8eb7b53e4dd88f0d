import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline, Transform, type Readable } from 'node:stream';
import { isAscii, isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';
import { IntakeFileError } from './intake-error.js';

export type TextEncoding = 'utf-8' | 'utf-8-bom' | 'gb18030';

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const CHUNK = 1024 * 1024;

/**
 * BOM → UTF-8; else text that is valid UTF-8 for a megabyte from its first non-ASCII byte →
 * UTF-8; else GB18030 (a superset of GBK, what Chinese Windows Excel writes). Starting at the
 * first non-ASCII byte matters: English headers and digits are the same in every encoding.
 */
export async function detectEncoding(path: string): Promise<TextEncoding> {
  const file = await open(path, 'r');

  try {
    const head = await readAt(file, 0, UTF8_BOM.length);
    if (head.equals(UTF8_BOM)) return 'utf-8-bom';

    const start = await firstNonAscii(file);
    if (start === null) return 'utf-8';

    const window = await readAt(file, start, CHUNK);
    const complete = window.length < CHUNK ? window : withoutCutCharacter(window);
    return isUtf8(complete) ? 'utf-8' : 'gb18030';
  } finally {
    await file.close();
  }
}

type FileHandle = Awaited<ReturnType<typeof open>>;

async function readAt(file: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await file.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}

async function firstNonAscii(file: FileHandle): Promise<number | null> {
  for (let position = 0; ; position += CHUNK) {
    const chunk = await readAt(file, position, CHUNK);
    if (chunk.length === 0) return null;
    if (!isAscii(chunk)) return position + chunk.findIndex((byte) => byte >= 0x80);
  }
}

// The window may end inside a multi-byte character; that is not invalid UTF-8.
function withoutCutCharacter(bytes: Buffer): Buffer {
  for (let back = 1; back <= 3 && back <= bytes.length; back++) {
    const byte = bytes[bytes.length - back] ?? 0;
    if (byte < 0x80) return bytes;
    if (byte >= 0xc0) {
      const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
      return length > back ? bytes.subarray(0, bytes.length - back) : bytes;
    }
  }
  return bytes;
}

/** The start of the file as text, cut at a line end, for finding the header and delimiter. */
export async function decodePrefix(path: string, encoding: string, bytes = 256 * 1024) {
  const file = await open(path, 'r');

  try {
    const prefix = await readAt(file, 0, bytes);
    const lastLineEnd = prefix.lastIndexOf(0x0a);
    const whole =
      prefix.length < bytes || lastLineEnd < 0 ? prefix : prefix.subarray(0, lastLineEnd);
    return iconv.decode(whole, encoding === 'utf-8-bom' ? 'utf-8' : encoding);
  } finally {
    await file.close();
  }
}

/**
 * The file for the CSV parser: GB18030 decoded to text, UTF-8 passed on as checked bytes (the
 * parser decodes each field itself, so decoding here would only be undone). A read or
 * decoding error ends the stream with that error.
 */
export function csvInput(path: string, encoding: TextEncoding): Readable {
  const bytes = createReadStream(path, { highWaterMark: 256 * 1024 });

  if (encoding !== 'gb18030') return pipeline(bytes, strictUtf8(), () => {});

  const decoder = iconv.decodeStream('gb18030') as Transform;
  decoder.setEncoding('utf8');
  return pipeline(bytes, decoder, () => {});
}

/**
 * UTF-8 that stays strict past the sniffed window: a file that turns into GBK further down
 * is refused, naming the line, instead of filling names with replacement characters.
 */
function strictUtf8(): Transform {
  let carried = Buffer.alloc(0);
  let lines = 0;

  const check = (bytes: Buffer): Error | null => {
    if (isUtf8(bytes)) {
      lines += countLines(bytes);
      return null;
    }

    // Where: the lenient decoder marks the first bad byte with U+FFFD.
    const text = new TextDecoder('utf-8').decode(bytes);
    lines += countLines(Buffer.from(text.slice(0, Math.max(text.indexOf('\uFFFD'), 0))));
    return new IntakeFileError(
      'file_encoding_mixed',
      `The file is UTF-8 until line ${lines + 1}, where another encoding starts. ` +
        'Save the whole file again as "CSV UTF-8".',
      `文件在第 ${lines + 1} 行之前是 UTF-8，之后换成了其他编码。请将整个文件重新另存为“CSV UTF-8”。`,
    );
  };

  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const bytes = carried.length ? Buffer.concat([carried, chunk]) : chunk;
      const whole = withoutCutCharacter(bytes);
      carried = Buffer.from(bytes.subarray(whole.length));
      const error = check(whole);
      done(error, error ? undefined : whole);
    },
    flush(done) {
      done(carried.length ? check(carried) : null);
    },
  });
}

function countLines(bytes: Buffer): number {
  let lines = 0;
  for (let at = bytes.indexOf(0x0a); at >= 0; at = bytes.indexOf(0x0a, at + 1)) lines++;
  return lines;
}
