import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export class FileTooLarge extends Error {
  constructor(readonly maxBytes: number) {
    super(`The file is larger than ${maxBytes} bytes.`);
  }
}

export type StoredFile = { sha256: string; sizeBytes: number; storedPath: string };

/**
 * Streams an upload into the storage directory while hashing and counting it, so the file is
 * never held in memory and its hash is known the moment the last byte arrives: recognising a
 * file submitted before needs no parsing. Stops at `maxBytes` and leaves nothing behind.
 * The kept file is named by its hash under the institution's folder; `storedPath` is
 * relative to the storage directory.
 */
export async function storeUpload(
  storageDir: string,
  institutionId: number,
  originalName: string,
  source: Readable,
  maxBytes: number,
): Promise<StoredFile> {
  const partDir = resolve(storageDir, 'incoming');
  await mkdir(partDir, { recursive: true });
  const part = join(partDir, `${randomBytes(12).toString('hex')}.part`);

  const hash = createHash('sha256');
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      if (size > maxBytes) {
        done(new FileTooLarge(maxBytes));
        return;
      }
      hash.update(chunk);
      done(null, chunk);
    },
  });

  try {
    await pipeline(source, meter, createWriteStream(part));
  } catch (error) {
    await rm(part, { force: true });
    throw error;
  }

  const sha256 = hash.digest('hex');
  const extension = extname(originalName).toLowerCase();
  const storedPath = join(
    String(institutionId),
    `${sha256}${/^\.[a-z0-9]{1,5}$/.test(extension) ? extension : ''}`,
  );
  await mkdir(resolve(storageDir, String(institutionId)), { recursive: true });
  await rename(part, resolve(storageDir, storedPath));
  return { sha256, sizeBytes: size, storedPath };
}

/** Deletes a kept file; a file already gone is fine. */
export async function deleteStoredFile(storageDir: string, storedPath: string): Promise<void> {
  await rm(resolve(storageDir, storedPath), { force: true });
}

export async function storedFileExists(storageDir: string, storedPath: string) {
  return stat(resolve(storageDir, storedPath)).then(
    () => true,
    () => false,
  );
}
