import type { Knex } from '../db/knex.js';
import type { AttendanceRow, ParsedRow } from '../intake/attendance-file.js';
import type { ActivityCatalog } from './activity-catalog.js';
import { insertIgnoring } from './bulk-insert.js';
import { idNumberHmac, maskIdNumber } from './id-numbers.js';
import type { Institution } from './institution-store.js';
import { courseKey, learningEventId, sessionStart } from './learning-event-id.js';
import type { PersonResolver } from './person-resolver.js';
import type { RowCounts } from './submission-store.js';

export type BatchContext = {
  knex: Knex;
  submissionId: number;
  institution: Institution;
  idNumberKey: string;
  utcOffset: string;
  catalog: ActivityCatalog;
  persons: PersonResolver;
  /** The file's header of the ID number column, whose cells are masked before storing. */
  idNumberColumn?: string;
  /** The submission ran before (crash, or a re-run after a mapping fix). */
  rerun: boolean;
};

/** An attendance row as it may be stored: the ID number only as HMAC and masked. */
export type StoredRow = Omit<AttendanceRow, 'idNumber'> & {
  idNumberHmac?: string;
  idNumberMasked?: string;
};

type Valid = { rowNumber: number; raw: Record<string, string>; row: StoredRow; course: string };

export const UNMATCHED_REASON = {
  code: 'no_account',
  message:
    'No account has this card or student number, or this verified phone; an admin can ' +
    'choose the account in the unmatched queue.',
};

// Event ids per lookup: well below SQLite's and MySQL's limits on bound values.
const LOOKUP_CHUNK = 500;

export function storableRow(row: AttendanceRow, idNumberKey: string): StoredRow {
  const { idNumber, ...rest } = row;
  if (!idNumber) return rest;
  return {
    ...rest,
    idNumberHmac: idNumberHmac(idNumberKey, idNumber),
    idNumberMasked: maskIdNumber(idNumber),
  };
}

export function storableRaw(raw: Record<string, string>, idNumberColumn?: string) {
  const value = idNumberColumn ? raw[idNumberColumn] : undefined;
  if (!idNumberColumn || !value) return raw;
  return { ...raw, [idNumberColumn]: maskIdNumber(value) };
}

/** The learning event a valid row of a resolved person becomes. */
export function eventFor(
  context: Pick<BatchContext, 'submissionId' | 'institution' | 'utcOffset'>,
  valid: { rowNumber: number; raw: Record<string, string>; row: StoredRow; course: string },
  accountId: string,
  activityId: number,
) {
  const { row } = valid;
  return {
    id: learningEventId({
      institutionCode: context.institution.code,
      courseKey: valid.course,
      sessionDate: row.sessionDate,
      startTime: row.startTime,
      accountId,
    }),
    account_id: accountId,
    verb: 'attended',
    activity_id: activityId,
    session_start: sessionStart(row.sessionDate, row.startTime, context.utcOffset),
    result_status: row.status,
    duration_minutes: row.durationMinutes ?? null,
    source: `submission:${context.submissionId}`,
    source_row: valid.rowNumber,
    raw: JSON.stringify(valid.raw),
    created_at: Date.now(),
  };
}

/**
 * Writes one batch of parsed rows in one transaction and answers the totals with this batch
 * added. Every row ends as exactly one of imported, duplicate, rejected or unmatched.
 *
 * A row the insert stored is imported. A row it skipped, because an event with its id was
 * there already, is read back: it is still imported when that event carries this submission
 * and this row number as its source (a crashed submission run again meets its own rows),
 * else it is a duplicate, which also makes the second of two identical rows in one file one.
 */
export async function writeBatch(
  context: BatchContext,
  parsed: ParsedRow[],
  before: RowCounts,
  progress: (trx: Knex, totals: RowCounts) => Promise<void>,
): Promise<RowCounts> {
  const totals = { ...before, read: before.read + parsed.length };
  const problems: Array<Record<string, unknown>> = [];
  const valid: Valid[] = [];
  const now = Date.now();
  const problem = (
    rowNumber: number,
    raw: Record<string, string>,
    outcome: string,
    reason: { code: string; message: string },
    row?: StoredRow,
  ) =>
    problems.push({
      submission_id: context.submissionId,
      row_number: rowNumber,
      outcome,
      reason_code: reason.code,
      reason_message: reason.message,
      raw: JSON.stringify(storableRaw(raw, context.idNumberColumn)),
      row: row ? JSON.stringify(row) : null,
      created_at: now,
    });

  for (const entry of parsed) {
    if (!entry.ok) {
      problem(entry.rowNumber, entry.raw, 'rejected', entry.rejection);
      continue;
    }
    const course = courseKey(entry.row);
    if (!course) {
      problem(entry.rowNumber, entry.raw, 'rejected', {
        code: 'missing_field',
        message: 'The row names neither a course code nor a course name.',
      });
      continue;
    }
    valid.push({
      rowNumber: entry.rowNumber,
      raw: storableRaw(entry.raw, context.idNumberColumn),
      row: storableRow(entry.row, context.idNumberKey),
      course,
    });
  }
  totals.rejected += problems.length;

  const accounts = await context.persons.resolve(valid.map((entry) => entry.row));
  const resolvedByAdmin = await adminResolutions(
    context,
    valid.filter((_, index) => !accounts[index]).map((entry) => entry.rowNumber),
  );

  const matched: Array<{ valid: Valid; accountId: string }> = [];
  valid.forEach((entry, index) => {
    const accountId = accounts[index] ?? resolvedByAdmin.get(entry.rowNumber);
    if (accountId) matched.push({ valid: entry, accountId });
    else problem(entry.rowNumber, entry.raw, 'unmatched', UNMATCHED_REASON, entry.row);
  });
  totals.unmatched += valid.length - matched.length;

  const activities = await context.catalog.idsFor(
    matched.map(({ valid: entry }) => ({
      key: entry.course,
      code: entry.row.courseCode,
      name: entry.row.courseName,
    })),
  );
  const events = matched.map(({ valid: entry, accountId }) =>
    eventFor(context, entry, accountId, activities.get(entry.course) ?? 0),
  );

  await context.knex.transaction(async (trx) => {
    const skipped = await insertIgnoring(trx, 'learning_events', events);
    // A re-run after a crash meets the rows it wrote before: keep those (and their
    // resolution), do not double them.
    await insertIgnoring(trx, 'submission_rows', problems);
    if (context.rerun && matched.length > 0) {
      // A row left unmatched by an earlier run that now finds its account is no longer
      // waiting for an admin.
      await trx('submission_rows')
        .where({ submission_id: context.submissionId, outcome: 'unmatched' })
        .whereNull('resolved_at')
        .whereIn(
          'row_number',
          matched.map(({ valid: entry }) => entry.rowNumber),
        )
        .update({ resolved_at: now });
    }
    const maybeSkipped = skipped.flatMap((index) => events[index] ?? []);
    const stored = await ownEvents(
      trx,
      context.submissionId,
      maybeSkipped.map((event) => event.id),
    );
    const duplicates = maybeSkipped.filter((event) => stored.get(event.id) !== event.source_row);
    totals.imported += events.length - duplicates.length;
    totals.duplicate += duplicates.length;
    await progress(trx, totals);
  });

  return totals;
}

/** Rows of this submission an admin already resolved to an account (kept across re-runs). */
async function adminResolutions(context: BatchContext, rowNumbers: number[]) {
  // Only a submission that ran before can have rows an admin resolved.
  if (!context.rerun || rowNumbers.length === 0) return new Map<number, string>();
  const rows = await context
    .knex('submission_rows')
    .where({ submission_id: context.submissionId })
    .whereIn('row_number', rowNumbers)
    .whereNotNull('resolved_account_id')
    .select('row_number', 'resolved_account_id');
  return new Map<number, string>(
    rows.map((row) => [Number(row.row_number), row.resolved_account_id as string]),
  );
}

/** Event id → source row, for the events among `ids` that this submission created. */
async function ownEvents(trx: Knex, submissionId: number, ids: string[]) {
  const source = `submission:${submissionId}`;
  const found = new Map<string, number>();
  for (let start = 0; start < ids.length; start += LOOKUP_CHUNK) {
    // Looked up by event id only, the source compared here: with the source in the
    // query, SQLite's planner prefers the source index and scans every event the
    // submission wrote so far, once per batch.
    const rows = await trx('learning_events')
      .whereIn('id', ids.slice(start, start + LOOKUP_CHUNK))
      .select('id', 'source', 'source_row');
    for (const row of rows) {
      if (row.source === source) found.set(row.id, Number(row.source_row));
    }
  }
  return found;
}
