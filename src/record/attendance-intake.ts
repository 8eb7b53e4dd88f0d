import type { Readable } from 'node:stream';
import { AuditLog } from '../accounts/audit-log.js';
import type { HubConfig } from '../config.js';
import type { Knex } from '../db/knex.js';
import type { Logger } from '../log.js';
import { hubSecret } from '../oidc/hub-secrets.js';
import { type Institution, InstitutionStore } from './institution-store.js';
import { deleteStoredFile, storeUpload } from './submission-files.js';
import { SubmissionProcessor } from './submission-processor.js';
import { SubmissionQueue } from './submission-queue.js';
import { type Submission, SubmissionStore } from './submission-store.js';
import { UnmatchedQueue } from './unmatched-queue.js';

export type IntakeSettings = Pick<
  HubConfig,
  | 'INTAKE_STORAGE_DIR'
  | 'INTAKE_MAX_UPLOAD_BYTES'
  | 'INTAKE_MAX_ROWS'
  | 'INTAKE_MAX_XLSX_UNPACKED_BYTES'
  | 'INTAKE_MAX_XLSX_ENTRIES'
  | 'INTAKE_UTC_OFFSET'
  | 'INTAKE_BATCH_ROWS'
  | 'INTAKE_RETENTION_DAYS'
>;

/**
 * Attendance intake as the rest of the hub sees it: institutions, submitting a file (kept,
 * hashed, recognised when seen before), processing it into the learning record, and the
 * unmatched queue. The HTTP routes, the console and `hub import` all go through here.
 */
export class AttendanceIntake {
  readonly institutions: InstitutionStore;
  readonly submissions: SubmissionStore;
  readonly processor: SubmissionProcessor;
  readonly queue: SubmissionQueue;
  readonly unmatched: UnmatchedQueue;

  private constructor(
    readonly knex: Knex,
    readonly settings: IntakeSettings,
    idNumberKey: string,
    log: Logger,
  ) {
    this.institutions = new InstitutionStore(knex);
    this.submissions = new SubmissionStore(knex);
    this.processor = new SubmissionProcessor({
      knex,
      submissions: this.submissions,
      institutions: this.institutions,
      idNumberKey,
      log,
      options: {
        storageDir: settings.INTAKE_STORAGE_DIR,
        utcOffset: settings.INTAKE_UTC_OFFSET,
        batchRows: settings.INTAKE_BATCH_ROWS,
        limits: {
          maxRows: settings.INTAKE_MAX_ROWS,
          maxXlsxUncompressedBytes: settings.INTAKE_MAX_XLSX_UNPACKED_BYTES,
          maxXlsxEntries: settings.INTAKE_MAX_XLSX_ENTRIES,
        },
      },
    });
    this.queue = new SubmissionQueue(this.submissions, this.processor, log);
    this.unmatched = new UnmatchedQueue({
      knex,
      submissions: this.submissions,
      institutions: this.institutions,
      audit: new AuditLog(knex),
      utcOffset: settings.INTAKE_UTC_OFFSET,
    });
  }

  static async create(knex: Knex, settings: IntakeSettings, log: Logger) {
    return new AttendanceIntake(knex, settings, await hubSecret(knex, 'id-number-key'), log);
  }

  /**
   * Keeps the file and records the submission, or recognises the same file submitted before
   * for this institution by its hash (computed while the bytes arrive) and answers that one.
   */
  async submit(input: {
    institution: Institution;
    originalName: string;
    content: Readable;
    sheet?: string;
    accountId?: string;
    clientId?: string;
  }): Promise<{ submission: Submission; created: boolean }> {
    const stored = await storeUpload(
      this.settings.INTAKE_STORAGE_DIR,
      input.institution.id,
      input.originalName,
      input.content,
      this.settings.INTAKE_MAX_UPLOAD_BYTES,
    );
    const result = await this.submissions.createOrFind({
      institutionId: input.institution.id,
      fileSha256: stored.sha256,
      originalName: input.originalName,
      storedPath: stored.storedPath,
      sizeBytes: stored.sizeBytes,
      requestedSheet: input.sheet,
      submittedByAccountId: input.accountId,
      submittedByClientId: input.clientId,
    });
    // The earlier submission may keep its copy under another name, or none past retention.
    if (!result.created && result.submission.storedPath !== stored.storedPath) {
      await deleteStoredFile(this.settings.INTAKE_STORAGE_DIR, stored.storedPath);
    }
    return result;
  }
}
