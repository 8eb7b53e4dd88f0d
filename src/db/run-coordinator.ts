import { randomBytes } from 'node:crypto';
import type { RunCoordinator } from 'node-cron';
import type { Knex } from './knex.js';

/**
 * Elects one hub process per job slot through the database: every process that fires for a
 * slot tries to insert the slot's row and only the one whose row lands runs the job. A slot
 * whose owner died can be taken over once its lease has passed.
 */
export class KnexRunCoordinator implements RunCoordinator {
  readonly owner = randomBytes(12).toString('base64url');

  constructor(private readonly knex: Knex) {}

  async shouldRun(key: string, ttlMs: number): Promise<boolean> {
    const now = Date.now();
    await this.knex('job_runs')
      .insert({ run_key: key, owner: this.owner, started_at: now, lease_until: now + ttlMs })
      .onConflict('run_key')
      .ignore();

    const taken = await this.knex('job_runs')
      .where({ run_key: key })
      .whereNull('finished_at')
      .where('lease_until', '<', now)
      .update({ owner: this.owner, started_at: now, lease_until: now + ttlMs });
    if (taken > 0) return true;

    const row = await this.knex('job_runs').where({ run_key: key }).first('owner');
    return row?.owner === this.owner;
  }

  async onComplete(key: string): Promise<void> {
    await this.knex('job_runs')
      .where({ run_key: key, owner: this.owner })
      .update({ finished_at: Date.now() });
  }
}
