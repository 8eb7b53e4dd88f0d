import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { detectEncoding } from '../../src/intake/decode-text.js';

describe('finding the encoding of a text file', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'intake-decode-'));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function file(bytes: Buffer): string {
    const path = join(dir, 'file.csv');
    writeFileSync(path, bytes);
    return path;
  }

  it('takes UTF-8 whose sniffed megabyte ends inside a character as UTF-8', async () => {
    // 1 MiB is not a multiple of 3, so the window ends one byte into a three-byte character.
    const path = file(Buffer.from('名'.repeat(400_000)));
    assert.equal(await detectEncoding(path), 'utf-8');
  });

  it('sniffs from the first non-ASCII byte, however far down it is', async () => {
    const ascii = Buffer.from('Name,Phone,Date\n'.repeat(200_000));
    const path = file(
      Buffer.concat([ascii, iconv.encode('王晓燕,13912345678,2025-03-08\n', 'gbk')]),
    );
    assert.equal(await detectEncoding(path), 'gb18030');
  });

  it('takes a file of plain ASCII as UTF-8', async () => {
    assert.equal(await detectEncoding(file(Buffer.from('Name,Phone\n'))), 'utf-8');
  });

  it('takes GBK text as GB18030', async () => {
    assert.equal(await detectEncoding(file(iconv.encode('姓名,手机号\n', 'gbk'))), 'gb18030');
  });
});
