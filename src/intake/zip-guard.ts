import yauzl, { type Entry, type ZipFile } from 'yauzl';
import type { IntakeLimits } from './attendance-file.js';
import { IntakeFileError } from './intake-error.js';

/** Deflate cannot compress XML much past 100:1; beyond this an entry was built to explode. */
const MAX_COMPRESSION_RATIO = 250;
const RATIO_CHECKED_FROM_BYTES = 1024 * 1024;

export type GuardedZip = { zip: ZipFile; entries: Map<string, Entry> };

/**
 * Opens a zip by its central directory and refuses zip bombs before a byte is inflated: too
 * many entries, too many bytes in all, or an entry that expands far beyond any real sheet.
 * Entries are read with yauzl's size validation, so an entry that holds more than its
 * directory declares fails while it is read (see zipFailure).
 */
export async function openGuardedZip(path: string, limits: IntakeLimits): Promise<GuardedZip> {
  const zip = await yauzl
    .openPromise(path, { lazyEntries: true, autoClose: false, validateEntrySizes: true })
    .catch((error: unknown) => {
      throw zipFailure(error);
    });

  try {
    if (zip.entryCount > limits.maxXlsxEntries) throw tooLarge(`${zip.entryCount} parts`);

    const entries = new Map<string, Entry>();
    let total = 0;

    for await (const entry of zip.eachEntry()) {
      total += entry.uncompressedSize;
      if (total > limits.maxXlsxUncompressedBytes) throw tooLarge(`over ${mb(total)} unpacked`);

      const ratio = entry.uncompressedSize / Math.max(entry.compressedSize, 1);
      if (entry.uncompressedSize > RATIO_CHECKED_FROM_BYTES && ratio > MAX_COMPRESSION_RATIO) {
        throw tooLarge(`a part that unpacks ${Math.round(ratio)} times larger`);
      }

      entries.set(entry.fileName, entry);
    }

    return { zip, entries };
  } catch (error) {
    zip.close();
    throw zipFailure(error);
  }
}

/** Translates yauzl's and zlib's errors into what the person uploading can act on. */
export function zipFailure(error: unknown): IntakeFileError {
  if (error instanceof IntakeFileError) return error;
  const message = error instanceof Error ? error.message : String(error);

  if (/end of central directory record signature not found/i.test(message)) {
    return new IntakeFileError(
      'file_truncated',
      'The workbook is incomplete: its end is missing, as when a download or copy is cut off. ' +
        'Save it from Excel again and upload the new file.',
      '工作簿不完整（文件结尾缺失，可能是下载或复制中断）。请用 Excel 重新保存后再上传。',
    );
  }
  if (/too many bytes in the stream/.test(message)) {
    return tooLarge('a part that holds more than its directory declares');
  }

  return new IntakeFileError(
    'file_corrupt',
    `The workbook is damaged and cannot be read (${message}). Open it in Excel, save it as ` +
      '.xlsx again, and upload the new file.',
    '工作簿已损坏，无法读取。请在 Excel 中打开并重新另存为 .xlsx 后上传。',
  );
}

function tooLarge(what: string): IntakeFileError {
  return new IntakeFileError(
    'xlsx_too_large',
    `The workbook is refused: it has ${what}, beyond what an attendance sheet needs. ` +
      'Save only the attendance sheet, or export it as CSV.',
    '工作簿过大或结构异常，已拒绝。请只保存签到工作表，或导出为 CSV。',
  );
}

function mb(bytes: number): string {
  return `${Math.round(bytes / 1024 / 1024)} MB`;
}
