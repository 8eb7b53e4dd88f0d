import { createHash } from 'node:crypto';

/**
 * The class a row is about: course code when the file has one, else the course name. Cut to
 * 191 characters, the longest string MySQL indexes in utf8mb4.
 */
export function courseKey(row: { courseCode?: string; courseName?: string }): string | undefined {
  const code = row.courseCode?.trim();
  const name = row.courseName?.trim();
  if (code) return `code:${code}`.slice(0, 191);
  if (name) return `name:${name}`.slice(0, 191);
  return undefined;
}

/**
 * The deterministic id of "this person attended this class session": the same row in any
 * file, uploaded in any order, retried or replayed by an admin, lands on the same id, so the
 * record can never hold it twice. The person is the resolved account, so a file that names
 * a parent by card number and another that names them by phone still meet.
 *
 * 128 bits of the SHA-256 (32 hex digits): two different sessions meet by chance only after
 * some 10^19 events, and the shorter key keeps the record's unique index small.
 */
export function learningEventId(parts: {
  institutionCode: string;
  courseKey: string;
  sessionDate: string;
  startTime?: string;
  accountId: string;
}): string {
  return createHash('sha256')
    .update(
      JSON.stringify([
        parts.institutionCode,
        parts.courseKey,
        parts.sessionDate,
        parts.startTime ?? '',
        parts.accountId,
      ]),
    )
    .digest('hex')
    .slice(0, 32);
}

/** Epoch milliseconds of a session's start in the institutions' local time (an offset). */
export function sessionStart(
  sessionDate: string,
  startTime: string | undefined,
  utcOffset: string,
) {
  const at = Date.parse(`${sessionDate}T${startTime ?? '00:00'}:00${utcOffset}`);
  if (Number.isNaN(at)) throw new Error(`not a session time: ${sessionDate} ${startTime ?? ''}`);
  return at;
}
