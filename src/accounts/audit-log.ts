import type { Knex } from '../db/knex.js';

export type AuditEntry = {
  action: string;
  actorAccountId?: string | null;
  subjectAccountId?: string | null;
  provider?: string | null;
  ip?: string | null;
  detail?: Record<string, unknown>;
};

/** Who did what to which account, when, from where. Never holds secrets or phone numbers. */
export class AuditLog {
  constructor(private readonly knex: Knex) {}

  async write(entry: AuditEntry): Promise<void> {
    await this.knex('audit_log').insert({
      at: Date.now(),
      action: entry.action,
      actor_account_id: entry.actorAccountId ?? null,
      subject_account_id: entry.subjectAccountId ?? null,
      provider: entry.provider ?? null,
      ip: entry.ip ?? null,
      detail: entry.detail ? JSON.stringify(entry.detail) : null,
    });
  }

  async forAccount(accountId: string): Promise<Array<{ action: string; at: number }>> {
    const rows = await this.knex('audit_log')
      .where({ subject_account_id: accountId })
      .orderBy('id')
      .select('action', 'at');
    return rows.map((row) => ({ action: row.action, at: Number(row.at) }));
  }
}
