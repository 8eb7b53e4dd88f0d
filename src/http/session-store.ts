import session, { type SessionData } from 'express-session';
import type { Knex } from '../db/knex.js';

type SessionRow = { sid: string; data: string; expires_at: number | string };

type Callback<T = void> = (error: unknown, value?: T) => void;

/**
 * express-session's store on the hub database (`web_sessions`), so a browser's session is
 * the same whichever hub process answers. Expired rows are never returned; the
 * expired-login-artifacts job deletes them.
 */
export class KnexSessionStore extends session.Store {
  constructor(
    private readonly knex: Knex,
    private readonly fallbackTtlMs: number,
  ) {
    super();
  }

  override get(sid: string, callback: Callback<SessionData | null>): void {
    settle(this.read(sid), callback);
  }

  override set(sid: string, data: SessionData, callback?: Callback): void {
    settle(this.write(sid, data), callback);
  }

  override touch(sid: string, data: SessionData, callback?: () => void): void {
    settle(
      this.knex('web_sessions')
        .where({ sid })
        .update({ expires_at: this.expiresAt(data) })
        .then(() => undefined),
      () => callback?.(),
    );
  }

  override destroy(sid: string, callback?: Callback): void {
    settle(
      this.knex('web_sessions')
        .where({ sid })
        .delete()
        .then(() => undefined),
      callback,
    );
  }

  private async read(sid: string): Promise<SessionData | null> {
    const row = await this.knex<SessionRow>('web_sessions')
      .where({ sid })
      .where('expires_at', '>', Date.now())
      .first();
    return row ? (JSON.parse(row.data) as SessionData) : null;
  }

  private async write(sid: string, data: SessionData): Promise<void> {
    await this.knex('web_sessions')
      .insert({ sid, data: JSON.stringify(data), expires_at: this.expiresAt(data) })
      .onConflict('sid')
      .merge(['data', 'expires_at']);
  }

  private expiresAt(data: SessionData): number {
    const expires = data.cookie?.expires;
    return expires ? new Date(expires).getTime() : Date.now() + this.fallbackTtlMs;
  }
}

/** Deletes sessions that have expired; returns how many. */
export async function deleteExpiredSessions(knex: Knex, now: number): Promise<number> {
  return knex('web_sessions').where('expires_at', '<=', now).delete();
}

function settle<T>(work: Promise<T>, callback?: Callback<T>): void {
  work.then(
    (value) => callback?.(null, value),
    (error: unknown) => callback?.(error),
  );
}
