import type { Knex } from '../db/knex.js';
import { deleteStoredFile } from './submission-files.js';
import { SubmissionStore } from './submission-store.js';

const DAY = 86_400_000;

/**
 * Deletes the kept files of submissions finished more than `retentionDays` ago. The
 * submission, its counts, its report rows and the learning events stay; only re-processing
 * the file is no longer possible. Answers how many files went.
 */
export async function deleteExpiredSubmissionFiles(
  knex: Knex,
  storageDir: string,
  retentionDays: number,
  now: number,
): Promise<number> {
  const submissions = new SubmissionStore(knex);
  const expired = await submissions.filesFinishedBefore(now - retentionDays * DAY);
  for (const file of expired) {
    // The row is updated first: a file still named by a submission is never missing.
    await submissions.forgetFile(file.id);
    const stillUsed = await knex('submissions').where({ stored_path: file.storedPath }).first('id');
    if (!stillUsed) await deleteStoredFile(storageDir, file.storedPath);
  }
  return expired.length;
}
