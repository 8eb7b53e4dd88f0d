import type { Knex } from '../../src/db/knex.js';
import { openAttendanceFile } from '../../src/intake/attendance-file.js';
import type { Institution } from '../../src/record/institution-store.js';
import { courseKey } from '../../src/record/learning-event-id.js';
import { eventFor } from '../../src/record/record-batch.js';

const BUILD_ROWS = 10_000;

/**
 * The baseline: the same file's rows, parsed and turned into learning events beforehand
 * (not timed), written with a plain `knex.batchInsert` of 500 rows per statement (SQLite's
 * limit for knex's multi-row insert). Only the inserts are timed. The events are built by the
 * hub's own `eventFor`, under submission 0, which no upload has. Rows whose phone has no
 * account are left out, as the hub leaves them out of the record.
 */
export async function plainInsert(
  knex: Knex,
  path: string,
  institution: Institution,
  activityId: number,
): Promise<{ rows: number; seconds: number }> {
  const phones = await knex('identities')
    .where({ provider: 'phone' })
    .select('subject', 'account_id');
  const accounts = new Map(phones.map((row) => [row.subject as string, row.account_id as string]));

  const context = { submissionId: 0, institution, utcOffset: '+08:00' };
  const file = await openAttendanceFile(path, {});
  let built: Array<Record<string, unknown>> = [];
  let rows = 0;
  let ms = 0;
  const flush = async () => {
    const started = performance.now();
    await knex.batchInsert('learning_events', built, 500);
    ms += performance.now() - started;
    rows += built.length;
    built = [];
  };

  for await (const parsed of file.rows()) {
    if (!parsed.ok) continue;
    const { row } = parsed;
    const accountId = row.phone ? accounts.get(row.phone) : undefined;
    if (!accountId) continue;
    const valid = {
      rowNumber: parsed.rowNumber,
      raw: parsed.raw,
      row,
      course: courseKey(row) ?? '',
    };
    built.push(eventFor(context, valid, accountId, activityId));
    if (built.length >= BUILD_ROWS) await flush();
  }
  if (built.length > 0) await flush();
  return { rows, seconds: ms / 1000 };
}
