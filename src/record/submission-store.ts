import type { Knex } from '../db/knex.js';

export type SubmissionStatus = 'queued' | 'processing' | 'done' | 'refused' | 'failed';

/** How every row read ended; imported + duplicate + rejected + unmatched = read. */
export type RowCounts = {
  read: number;
  imported: number;
  duplicate: number;
  rejected: number;
  unmatched: number;
};

export type FileFactsRecord = {
  format: string | null;
  encoding: string | null;
  sheet: string | null;
  headerRow: number | null;
  columns: Record<string, string> | null;
};

export type Submission = {
  id: number;
  institutionId: number;
  fileSha256: string;
  originalName: string;
  storedPath: string | null;
  sizeBytes: number;
  facts: FileFactsRecord;
  status: SubmissionStatus;
  error: { code: string; message: string; messageZh: string | null } | null;
  requestedSheet: string | null;
  counts: RowCounts;
  submittedByAccountId: string | null;
  submittedByClientId: string | null;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
};

type SubmissionRow = {
  id: number;
  institution_id: number;
  file_sha256: string;
  original_name: string;
  stored_path: string | null;
  size_bytes: number | string;
  format: string | null;
  encoding: string | null;
  sheet: string | null;
  header_row: number | null;
  columns: string | null;
  status: SubmissionStatus;
  error_code: string | null;
  error_message: string | null;
  error_message_zh: string | null;
  requested_sheet: string | null;
  rows_read: number;
  rows_imported: number;
  rows_duplicate: number;
  rows_rejected: number;
  rows_unmatched: number;
  submitted_by_account_id: string | null;
  submitted_by_client_id: string | null;
  created_at: number | string;
  started_at: number | string | null;
  finished_at: number | string | null;
};

const optionalNumber = (value: number | string | null) => (value === null ? null : Number(value));

function toSubmission(row: SubmissionRow): Submission {
  return {
    id: row.id,
    institutionId: row.institution_id,
    fileSha256: row.file_sha256,
    originalName: row.original_name,
    storedPath: row.stored_path,
    sizeBytes: Number(row.size_bytes),
    facts: {
      format: row.format,
      encoding: row.encoding,
      sheet: row.sheet,
      headerRow: row.header_row,
      columns: row.columns ? JSON.parse(row.columns) : null,
    },
    status: row.status,
    error: row.error_code
      ? {
          code: row.error_code,
          message: row.error_message ?? '',
          messageZh: row.error_message_zh,
        }
      : null,
    requestedSheet: row.requested_sheet,
    counts: {
      read: Number(row.rows_read),
      imported: Number(row.rows_imported),
      duplicate: Number(row.rows_duplicate),
      rejected: Number(row.rows_rejected),
      unmatched: Number(row.rows_unmatched),
    },
    submittedByAccountId: row.submitted_by_account_id,
    submittedByClientId: row.submitted_by_client_id,
    createdAt: Number(row.created_at),
    startedAt: optionalNumber(row.started_at),
    finishedAt: optionalNumber(row.finished_at),
  };
}

export const ZERO_COUNTS: RowCounts = {
  read: 0,
  imported: 0,
  duplicate: 0,
  rejected: 0,
  unmatched: 0,
};

function countColumns(counts: RowCounts) {
  return {
    rows_read: counts.read,
    rows_imported: counts.imported,
    rows_duplicate: counts.duplicate,
    rows_rejected: counts.rejected,
    rows_unmatched: counts.unmatched,
  };
}

/** Submissions: one attendance file each, with its status, facts and row accounting. */
export class SubmissionStore {
  constructor(private readonly knex: Knex) {}

  /**
   * Records a new queued submission, or answers the earlier one with the same file for the
   * same institution (`created: false`); the unique key decides when two uploads race.
   */
  async createOrFind(input: {
    institutionId: number;
    fileSha256: string;
    originalName: string;
    storedPath: string;
    sizeBytes: number;
    requestedSheet?: string | null;
    submittedByAccountId?: string | null;
    submittedByClientId?: string | null;
  }): Promise<{ submission: Submission; created: boolean }> {
    const earlier = await this.findByHash(input.institutionId, input.fileSha256);
    if (earlier) return { submission: earlier, created: false };

    try {
      const [id] = await this.knex('submissions').insert({
        institution_id: input.institutionId,
        file_sha256: input.fileSha256,
        original_name: input.originalName.slice(0, 255),
        stored_path: input.storedPath,
        size_bytes: input.sizeBytes,
        requested_sheet: input.requestedSheet?.slice(0, 255) ?? null,
        status: 'queued',
        submitted_by_account_id: input.submittedByAccountId ?? null,
        submitted_by_client_id: input.submittedByClientId ?? null,
        created_at: Date.now(),
      });
      const submission = await this.findById(Number(id));
      if (!submission) throw new Error(`submission ${id} vanished after insert`);
      return { submission, created: true };
    } catch (error) {
      // Another upload of the same file won the unique key between our look-up and insert.
      const raced = await this.findByHash(input.institutionId, input.fileSha256);
      if (raced) return { submission: raced, created: false };
      throw error;
    }
  }

  async findById(id: number): Promise<Submission | undefined> {
    const row = await this.knex<SubmissionRow>('submissions').where({ id }).first();
    return row && toSubmission(row);
  }

  async findByHash(institutionId: number, fileSha256: string): Promise<Submission | undefined> {
    const row = await this.knex<SubmissionRow>('submissions')
      .where({ institution_id: institutionId, file_sha256: fileSha256 })
      .first();
    return row && toSubmission(row);
  }

  async listForInstitution(institutionId: number, limit = 50): Promise<Submission[]> {
    const rows = await this.knex<SubmissionRow>('submissions')
      .where({ institution_id: institutionId })
      .orderBy('id', 'desc')
      .limit(limit);
    return rows.map(toSubmission);
  }

  /**
   * Takes the submission for this process: a queued one, or one whose processing lease ran
   * out because the process working on it died. The conditional update lets exactly one of
   * several hub processes win.
   */
  async claim(id: number, owner: string, leaseMs: number, now = Date.now()): Promise<boolean> {
    const taken = await this.knex('submissions')
      .where({ id })
      .andWhere((where) =>
        where
          .where({ status: 'queued' })
          .orWhere((expired) =>
            expired.where({ status: 'processing' }).andWhere('lease_until', '<', now),
          ),
      )
      .update({
        status: 'processing',
        claimed_by: owner,
        lease_until: now + leaseMs,
        started_at: now,
        finished_at: null,
        error_code: null,
        error_message: null,
        error_message_zh: null,
        ...countColumns(ZERO_COUNTS),
      });
    return taken > 0;
  }

  /** Ids a processor may claim now, oldest first. */
  async claimable(now = Date.now(), limit = 20): Promise<number[]> {
    const rows = await this.knex('submissions')
      .where({ status: 'queued' })
      .orWhere((expired) =>
        expired.where({ status: 'processing' }).andWhere('lease_until', '<', now),
      )
      .orderBy('id')
      .limit(limit)
      .select('id');
    return rows.map((row) => Number(row.id));
  }

  /** Puts a finished or failed submission back in the queue, e.g. after a mapping fix. */
  async requeue(id: number): Promise<boolean> {
    const updated = await this.knex('submissions')
      .where({ id })
      .whereNot({ status: 'processing' })
      .whereNotNull('stored_path')
      .update({ status: 'queued', lease_until: null });
    return updated > 0;
  }

  async recordFacts(id: number, facts: FileFactsRecord): Promise<void> {
    await this.knex('submissions')
      .where({ id })
      .update({
        format: facts.format,
        encoding: facts.encoding,
        sheet: facts.sheet?.slice(0, 255) ?? null,
        header_row: facts.headerRow,
        columns: facts.columns ? JSON.stringify(facts.columns) : null,
      });
  }

  /** Stores the counts so far and extends the lease; inside the batch's transaction. */
  async recordProgress(
    trx: Knex,
    id: number,
    counts: RowCounts,
    leaseUntil: number,
  ): Promise<void> {
    await trx('submissions')
      .where({ id })
      .update({ ...countColumns(counts), lease_until: leaseUntil });
  }

  async finish(
    id: number,
    status: 'done' | 'refused' | 'failed',
    counts: RowCounts,
    error?: { code: string; message: string; messageZh?: string },
  ): Promise<void> {
    await this.knex('submissions')
      .where({ id })
      .update({
        ...countColumns(counts),
        status,
        error_code: error?.code ?? null,
        error_message: error?.message ?? null,
        error_message_zh: error?.messageZh ?? null,
        finished_at: Date.now(),
        lease_until: null,
      });
  }

  /** Moves one row from unmatched to imported or duplicate after an admin resolved it. */
  async countResolvedRow(trx: Knex, id: number, outcome: 'imported' | 'duplicate'): Promise<void> {
    await trx('submissions')
      .where({ id })
      .where('rows_unmatched', '>', 0)
      .update({
        rows_unmatched: trx.raw('rows_unmatched - 1'),
        [`rows_${outcome}`]: trx.raw(`rows_${outcome} + 1`),
      });
  }

  /** Submissions whose kept file is older than the cutoff, for the retention job. */
  async filesFinishedBefore(cutoff: number): Promise<Array<{ id: number; storedPath: string }>> {
    const rows = await this.knex('submissions')
      .whereNotNull('stored_path')
      .whereIn('status', ['done', 'refused', 'failed'])
      .where('finished_at', '<', cutoff)
      .select('id', 'stored_path');
    return rows.map((row) => ({ id: Number(row.id), storedPath: row.stored_path }));
  }

  async forgetFile(id: number): Promise<void> {
    await this.knex('submissions')
      .where({ id })
      .update({ stored_path: null, file_deleted_at: Date.now() });
  }
}
