import type { Request } from 'express';
import busboy from 'busboy';
import type { Readable } from 'node:stream';
import { HubError } from '../http/errors.js';

export type UploadedFile = { fileName: string; content: Readable; sheet?: string };

/**
 * Hands the first file of a multipart upload to `consume` as a stream, without buffering
 * it. Fields sent before the file (`sheet`) come with it. Busboy's own size limit is not
 * used: the consumer counts bytes while hashing and stops at the configured limit.
 */
export function withUploadedFile<T>(
  req: Request,
  consume: (file: UploadedFile) => Promise<T>,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      // Browsers send file names as raw UTF-8 (Chinese names are the rule here).
      parser = busboy({
        headers: req.headers,
        defParamCharset: 'utf8',
        limits: { files: 1, fields: 10 },
      });
    } catch {
      reject(
        new HubError(
          400,
          'multipart_required',
          'Send the file as multipart/form-data, field "file".',
        ),
      );
      return;
    }
    const fields: Record<string, string> = {};
    let started = false;

    parser.on('field', (name, value) => {
      fields[name] = value;
    });
    parser.on('file', (_name, stream, info) => {
      if (started) {
        stream.resume();
        return;
      }
      started = true;
      consume({
        fileName: info.filename || 'upload',
        content: stream,
        sheet: fields.sheet || undefined,
      }).then(resolve, (error: unknown) => {
        stream.resume();
        reject(error);
      });
    });
    parser.on('close', () => {
      if (!started) {
        reject(
          new HubError(400, 'file_missing', 'The upload has no file; send it in field "file".'),
        );
      }
    });
    parser.on('error', (error: unknown) => {
      reject(
        new HubError(
          400,
          'multipart_malformed',
          `The upload could not be read: ${(error as Error).message}`,
        ),
      );
    });
    req.pipe(parser);
  });
}
