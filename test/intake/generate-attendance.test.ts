import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openAttendanceFile } from '../../src/intake/attendance-file.js';
import { writeGeneratedAttendance } from '../../src/intake/generate-attendance.js';
import { allRows } from './read-fixture.js';

const persons = Array.from({ length: 40 }, (_, index) => ({
  phone: `1380000${String(index).padStart(4, '0')}`,
  ...(index % 2 ? { cardNumber: `JZ${index}` } : {}),
}));

describe('generated attendance files', () => {
  let dir: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'intake-generated-'));
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  // 3000 rows of Chinese text are enough for the XLSX sheet to reach the XML parser in several
  // chunks, which exceljs alone would split mid-character into unknown statuses.
  for (const [format, encoding] of [
    ['csv', 'utf-8'],
    ['csv', 'gb18030'],
    ['xlsx', 'utf-8'],
  ] as const) {
    it(`a ${encoding} ${format} file reads back with every row accepted and no attendance twice`, async () => {
      const path = join(dir, `generated-${encoding}.${format}`);
      const written = await writeGeneratedAttendance(path, {
        rows: 3000,
        format,
        encoding,
        persons,
        seed: 7,
      });

      const file = await openAttendanceFile(path);
      const rows = await allRows(file);
      const accepted = rows.flatMap((row) => (row.ok ? [row.row] : []));
      const attendances = new Set(
        accepted.map((row) => [row.phone, row.courseCode, row.sessionDate, row.startTime].join()),
      );

      assert.equal(written.rows, 3000);
      assert.equal(accepted.length, 3000);
      assert.equal(attendances.size, 3000);
      assert.equal(file.facts.encoding, format === 'csv' ? encoding : undefined);
      assert.ok(
        accepted.every((row) => persons.some((person) => `+86${person.phone}` === row.phone)),
      );
    });
  }

  it('writes the same bytes for the same seed', async () => {
    const options = { rows: 500, format: 'csv', persons, seed: 3 } as const;
    await writeGeneratedAttendance(join(dir, 'a.csv'), options);
    await writeGeneratedAttendance(join(dir, 'b.csv'), options);

    assert.ok(readFileSync(join(dir, 'a.csv')).equals(readFileSync(join(dir, 'b.csv'))));
  });
});
