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
 * It begins with the session's local date and start time as the file gives them
 * (`yyyymmddhhmm`) and ends with 80 bits of a SHA-256 of the parts, 32 characters in all. The
 * events of one file then fall into a narrow band of the record's unique index instead of
 * all over it. With a random id each batch rewrote pages across the whole index, and a
 * million-row file went in at a third of the speed on MariaDB and 60 % on SQLite. Two
 * different attendances meet by chance only within the same minute, after some 10^12 events
 * of that minute.
 */
export function learningEventId(parts: {
  institutionCode: string;
  courseKey: string;
  /** `yyyy-mm-dd`, as the intake writes dates. */
  sessionDate: string;
  /** `hh:mm`. */
  startTime?: string;
  accountId: string;
}): string {
  const startTime = parts.startTime ?? '';
  const hash = createHash('sha256')
    .update(
      JSON.stringify([
        parts.institutionCode,
        parts.courseKey,
        parts.sessionDate,
        startTime,
        parts.accountId,
      ]),
    )
    .digest('hex');
  const day = parts.sessionDate.replaceAll('-', '');
  const minute = (startTime || '00:00').replace(':', '');
  return `${day}${minute}${hash.slice(0, 20)}`;
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
