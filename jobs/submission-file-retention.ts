import { loadConfig } from '../src/config.js';
import { deleteExpiredSubmissionFiles } from '../src/record/submission-retention.js';
import type { Job } from './job.js';

/** Deletes submitted attendance files past INTAKE_RETENTION_DAYS; submissions stay. */
export const submissionFileRetention: Job = {
  name: 'submission-file-retention',
  cron: '41 3 * * *',
  async run({ knex, now }) {
    // Jobs get no config of their own; the environment is the one the hub validated at start.
    const config = loadConfig();
    return {
      submissionFiles: await deleteExpiredSubmissionFiles(
        knex,
        config.INTAKE_STORAGE_DIR,
        config.INTAKE_RETENTION_DAYS,
        now.getTime(),
      ),
    };
  },
};
