import type { AuditLog } from '../accounts/audit-log.js';
import type { Knex } from '../db/knex.js';
import { ActivityCatalog } from './activity-catalog.js';
import { institutionProvider, type InstitutionStore } from './institution-store.js';
import { courseKey } from './learning-event-id.js';
import { eventFor, type StoredRow } from './record-batch.js';
import type { SubmissionStore } from './submission-store.js';

export type UnmatchedEntry = {
  id: number;
  submissionId: number;
  institutionCode: string;
  rowNumber: number;
  name: string | null;
  phone: string | null;
  cardNumber: string | null;
  studentNumber: string | null;
  idNumberMasked: string | null;
  courseName: string | null;
  sessionDate: string | null;
  status: string | null;
  createdAt: number;
};

export class UnmatchedProblem extends Error {
  constructor(
    readonly code: 'not_found' | 'already_resolved' | 'unknown_account' | 'identity_taken',
    message: string,
  ) {
    super(message);
  }
}

export type Resolution = {
  outcome: 'imported' | 'duplicate';
  eventId: string;
  linked: { provider: string; subject: string } | null;
};

/**
 * Valid rows whose person the hub could not find. They wait here, whole, until an admin
 * chooses the account; resolving replays the row into the record under the same
 * deterministic event id an import would have used, so a replay of a row a later file
 * already imported is a duplicate, never a second event.
 *
 * Counting: the submission's counts follow the row (unmatched → imported or duplicate), so
 * imported + duplicate + rejected + unmatched = rows read holds before and after, and a
 * re-run of the submission reaches the same counts because it reuses the resolution.
 */
export class UnmatchedQueue {
  constructor(
    private readonly parts: {
      knex: Knex;
      submissions: SubmissionStore;
      institutions: InstitutionStore;
      audit: AuditLog;
      utcOffset: string;
    },
  ) {}

  async list(options: { institutionId?: number; limit?: number; afterId?: number } = {}) {
    const query = this.parts
      .knex('submission_rows')
      .join('submissions', 'submissions.id', 'submission_rows.submission_id')
      .join('institutions', 'institutions.id', 'submissions.institution_id')
      .where({ 'submission_rows.outcome': 'unmatched' })
      .whereNull('submission_rows.resolved_at')
      .where('submission_rows.id', '>', options.afterId ?? 0)
      .orderBy('submission_rows.id')
      .limit(Math.min(options.limit ?? 100, 500))
      .select(
        'submission_rows.id',
        'submission_rows.submission_id',
        'submission_rows.row_number',
        'submission_rows.row',
        'submission_rows.created_at',
        'institutions.code',
      );
    if (options.institutionId) query.where({ 'institutions.id': options.institutionId });
    const rows = await query;
    return rows.map((row): UnmatchedEntry => {
      const stored = JSON.parse(row.row ?? '{}') as Partial<StoredRow>;
      return {
        id: Number(row.id),
        submissionId: Number(row.submission_id),
        institutionCode: row.code,
        rowNumber: Number(row.row_number),
        name: stored.name ?? null,
        phone: stored.phone ?? null,
        cardNumber: stored.cardNumber ?? null,
        studentNumber: stored.studentNumber ?? null,
        idNumberMasked: stored.idNumberMasked ?? null,
        courseName: stored.courseName ?? stored.courseCode ?? null,
        sessionDate: stored.sessionDate ?? null,
        status: stored.status ?? null,
        createdAt: Number(row.created_at),
      };
    });
  }

  async resolve(input: {
    id: number;
    accountId: string;
    linkIdentity: boolean;
    actorAccountId: string;
    ip?: string;
  }): Promise<Resolution> {
    const { knex, submissions, institutions, audit } = this.parts;
    const entry = await knex('submission_rows')
      .where({ id: input.id, outcome: 'unmatched' })
      .first();
    if (!entry) throw new UnmatchedProblem('not_found', 'There is no such unmatched row.');
    if (entry.resolved_at) {
      throw new UnmatchedProblem('already_resolved', 'This row was resolved already.');
    }
    const account = await knex('accounts').where({ id: input.accountId }).first('id');
    if (!account) throw new UnmatchedProblem('unknown_account', 'There is no such account.');

    const submission = await submissions.findById(Number(entry.submission_id));
    const institution = submission && (await institutions.findById(submission.institutionId));
    if (!submission || !institution) throw new Error('unmatched row without its submission');

    const row = JSON.parse(entry.row) as StoredRow;
    const course = courseKey(row) ?? '';
    const number = row.cardNumber ?? row.studentNumber;
    const link =
      input.linkIdentity && number
        ? { provider: institutionProvider(institution.code), subject: number }
        : null;
    if (link) {
      const owner = await knex('identities').where(link).first('account_id');
      if (owner && owner.account_id !== input.accountId) {
        throw new UnmatchedProblem(
          'identity_taken',
          'This card or student number is linked to another account already.',
        );
      }
    }

    const activities = await new ActivityCatalog(knex, institution.id).idsFor([
      { key: course, code: row.courseCode, name: row.courseName },
    ]);
    const event = eventFor(
      { submissionId: submission.id, institution, utcOffset: this.parts.utcOffset },
      { rowNumber: Number(entry.row_number), raw: JSON.parse(entry.raw), row, course },
      input.accountId,
      activities.get(course) ?? 0,
    );

    const outcome = await knex.transaction(async (trx) => {
      const claimed = await trx('submission_rows')
        .where({ id: input.id })
        .whereNull('resolved_at')
        .update({
          resolved_at: Date.now(),
          resolved_account_id: input.accountId,
          resolved_by: input.actorAccountId,
        });
      if (claimed === 0) {
        throw new UnmatchedProblem('already_resolved', 'This row was resolved already.');
      }
      await trx('learning_events').insert(event).onConflict('id').ignore();
      const stored = await trx('learning_events')
        .where({ id: event.id })
        .first('source', 'source_row');
      const imported =
        stored?.source === event.source && Number(stored?.source_row) === event.source_row;
      const result = imported ? 'imported' : 'duplicate';
      await submissions.countResolvedRow(trx, submission.id, result);
      if (link) {
        await trx('identities')
          .insert({
            account_id: input.accountId,
            provider: link.provider,
            subject: link.subject,
            verified: true,
            created_at: Date.now(),
          })
          .onConflict(['provider', 'subject'])
          .ignore();
      }
      return result;
    });

    await audit.write({
      action: 'unmatched.resolved',
      actorAccountId: input.actorAccountId,
      subjectAccountId: input.accountId,
      ip: input.ip,
      detail: { submissionId: submission.id, rowNumber: Number(entry.row_number), outcome },
    });
    if (link) {
      await audit.write({
        action: 'identity.linked',
        actorAccountId: input.actorAccountId,
        subjectAccountId: input.accountId,
        provider: link.provider,
        ip: input.ip,
        detail: { via: 'unmatched_queue', submissionId: submission.id },
      });
    }
    return { outcome, eventId: event.id, linked: link };
  }
}
