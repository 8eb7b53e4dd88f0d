import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import type { Knex } from '../db/knex.js';
import {
  type ColumnAliases,
  type IntakeLimits,
  IntakeFileError,
  openAttendanceFile,
  type ParsedRow,
} from '../intake/attendance-file.js';
import type { Logger } from '../log.js';
import { ActivityCatalog } from './activity-catalog.js';
import { PersonResolver } from './person-resolver.js';
import type { InstitutionStore } from './institution-store.js';
import { writeBatch } from './record-batch.js';
import {
  type RowCounts,
  type Submission,
  type SubmissionStore,
  ZERO_COUNTS,
} from './submission-store.js';

export type ProcessorOptions = {
  storageDir: string;
  utcOffset: string;
  batchRows: number;
  limits?: Partial<IntakeLimits>;
  /** How long a claim holds without progress before another process may take over. */
  leaseMs?: number;
};

export type ProcessorParts = {
  knex: Knex;
  submissions: SubmissionStore;
  institutions: InstitutionStore;
  idNumberKey: string;
  log: Logger;
  options: ProcessorOptions;
};

const DEFAULT_LEASE_MS = 5 * 60_000;

/** The kept file cannot be read any more: a refusal of the file, like the intake's own. */
class FileGone extends Error {
  readonly code = 'file_deleted';
  readonly messageZh = '原始文件已超过保存期限被删除，请重新上传。';
}

/**
 * Turns a stored submission into learning events: opens the kept file, reads it as a
 * stream and writes the rows in batches, each batch one transaction that also stores the
 * counts so far, so the page can show progress and a crash loses at most one batch.
 */
export class SubmissionProcessor {
  readonly owner = randomBytes(12).toString('base64url');

  constructor(private readonly parts: ProcessorParts) {}

  /**
   * Processes the submission if this process can claim it (queued, or left `processing`
   * by a process whose lease ran out) and answers it as it stands afterwards.
   */
  async process(
    id: number,
    onProgress?: (counts: RowCounts) => void,
  ): Promise<Submission | undefined> {
    const { submissions, options } = this.parts;
    const before = await submissions.findById(id);
    if (!before) return undefined;
    const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    if (!(await submissions.claim(id, this.owner, leaseMs))) return before;

    const started = Date.now();
    let counts = ZERO_COUNTS;
    try {
      counts = await this.run(before, before.startedAt !== null, leaseMs, (totals) => {
        counts = totals;
        onProgress?.(totals);
      });
      await submissions.finish(id, 'done', counts);
      this.parts.log.info(
        { submissionId: id, ms: Date.now() - started, ...counts },
        'submission.processed',
      );
    } catch (error) {
      if (error instanceof IntakeFileError || error instanceof FileGone) {
        await submissions.finish(id, 'refused', counts, {
          code: error.code,
          message: error.message,
          messageZh: error.messageZh,
        });
        this.parts.log.info({ submissionId: id, code: error.code }, 'submission.refused');
      } else {
        await submissions.finish(id, 'failed', counts, {
          code: 'processing_failed',
          message: 'The file could not be processed; an admin can re-run it from the log.',
          messageZh: '文件处理失败，请联系管理员查看日志后重新处理。',
        });
        this.parts.log.error({ err: error, submissionId: id }, 'submission.failed');
      }
    }
    return submissions.findById(id);
  }

  private async run(
    submission: Submission,
    rerun: boolean,
    leaseMs: number,
    onProgress: (counts: RowCounts) => void,
  ): Promise<RowCounts> {
    const { knex, submissions, institutions, options } = this.parts;
    const institution = await institutions.findById(submission.institutionId);
    if (!institution) throw new Error(`institution ${submission.institutionId} is gone`);
    if (!submission.storedPath) {
      throw new FileGone('The kept file was deleted after its retention period; upload it again.');
    }

    const file = await openAttendanceFile(resolve(options.storageDir, submission.storedPath), {
      fileName: submission.originalName,
      sheet: submission.requestedSheet ?? undefined,
      aliases: institution.columnAliases as ColumnAliases,
      limits: options.limits,
    });
    await submissions.recordFacts(submission.id, {
      format: file.facts.format,
      encoding: file.facts.encoding ?? null,
      sheet: file.facts.sheet ?? null,
      headerRow: file.facts.headerRow,
      columns: file.facts.columns as Record<string, string>,
    });

    const context = {
      knex,
      submissionId: submission.id,
      institution,
      idNumberKey: this.parts.idNumberKey,
      utcOffset: options.utcOffset,
      catalog: new ActivityCatalog(knex, institution.id),
      persons: new PersonResolver(knex, institution.code),
      idNumberColumn: file.facts.columns.idNumber,
      rerun,
    };
    const progress = async (trx: Knex, totals: RowCounts) => {
      await submissions.recordProgress(trx, submission.id, totals, Date.now() + leaseMs);
    };

    // One batch is written while the next is read: with MySQL the parser keeps working
    // during the round trips. Never more than one write is in flight, so memory stays flat.
    let counts = ZERO_COUNTS;
    let writing: Promise<RowCounts> | undefined;
    const write = async (rows: ParsedRow[]) => {
      if (writing) counts = await writing;
      writing = writeBatch(context, rows, counts, progress).then((totals) => {
        onProgress(totals);
        return totals;
      });
      // Awaited with the next batch or at the end; this only keeps Node from calling a
      // failure that happens in between unhandled.
      writing.catch(() => undefined);
    };

    let batch: ParsedRow[] = [];
    try {
      for await (const row of file.rows()) {
        batch.push(row);
        if (batch.length >= options.batchRows) {
          await write(batch);
          batch = [];
        }
      }
    } catch (error) {
      // A file refused halfway: let the batch in flight land before the refusal is recorded.
      await writing?.catch(() => undefined);
      throw error;
    }
    if (batch.length > 0) await write(batch);
    if (writing) counts = await writing;
    return counts;
  }
}
