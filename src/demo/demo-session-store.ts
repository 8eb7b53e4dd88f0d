import { randomBytes } from 'node:crypto';
import type { Knex } from '../db/knex.js';

export type DemoSession = {
  id: string;
  sub: string;
  sid: string | null;
  claims: Record<string, unknown>;
  idToken: string;
};

/**
 * A demo app's own sessions, kept in the database so a back-channel logout (which arrives
 * without the browser's cookie) can find and end them by the hub's session id.
 */
export class DemoSessionStore {
  constructor(
    private readonly knex: Knex,
    private readonly app: string,
  ) {}

  async create(input: Omit<DemoSession, 'id'>): Promise<string> {
    const id = randomBytes(24).toString('base64url');
    await this.knex('demo_sessions').insert({
      id,
      app: this.app,
      sid: input.sid,
      sub: input.sub,
      claims: JSON.stringify(input.claims),
      id_token: input.idToken,
      created_at: Date.now(),
    });
    return id;
  }

  async find(id: string): Promise<DemoSession | undefined> {
    const row = await this.knex('demo_sessions').where({ id, app: this.app }).first();
    if (!row) return undefined;
    return {
      id: row.id,
      sub: row.sub,
      sid: row.sid,
      claims: JSON.parse(row.claims),
      idToken: row.id_token,
    };
  }

  async delete(id: string): Promise<void> {
    await this.knex('demo_sessions').where({ id, app: this.app }).delete();
  }

  /** Ends every session of this app that belongs to the hub session `sid` (or subject). */
  async endByHubSession(where: { sid?: string; sub?: string }): Promise<number> {
    const query = this.knex('demo_sessions').where({ app: this.app });
    if (where.sid) query.where({ sid: where.sid });
    else if (where.sub) query.where({ sub: where.sub });
    else return 0;
    return query.delete();
  }
}
