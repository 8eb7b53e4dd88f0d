import type { Knex } from '../db/knex.js';
import type { Logger } from '../log.js';
import type { Provider } from './provider.js';

/** One hub login session of an account, and the apps it signed in to. */
export type HubSession = {
  id: string;
  uid: string;
  loginAt: number | null;
  expiresAt: number | null;
  apps: Array<{ clientId: string; name: string }>;
};

type SessionPayload = {
  uid: string;
  loginTs?: number;
  authorizations?: Record<string, { grantId?: string; sid?: string; persistsLogout?: boolean }>;
};

type BackchannelClient = { backchannelLogout(sub: string, sid: string): Promise<void> };

/**
 * A parent's hub sessions as oidc-provider keeps them (the `Session` model in
 * `oidc_payloads`), found by the indexed `account_id` column, and ending one of them the way
 * RP-initiated logout does: every app of the session is told by back-channel logout, its
 * grant is revoked with the tokens issued under it, and the session is destroyed.
 */
export class HubSessions {
  constructor(
    private readonly knex: Knex,
    private readonly provider: Provider,
    private readonly log: Logger,
  ) {}

  async listFor(accountId: string): Promise<HubSession[]> {
    const now = Date.now();
    const rows: Array<{ id: string; payload: string; expires_at: number | string | null }> =
      await this.knex('oidc_payloads')
        .where({ model: 'Session', account_id: accountId })
        .where((query) => query.whereNull('expires_at').orWhere('expires_at', '>', now))
        .select('id', 'payload', 'expires_at');

    const sessions: HubSession[] = [];
    for (const row of rows) {
      const payload = JSON.parse(row.payload) as SessionPayload;
      const apps = [];
      for (const clientId of Object.keys(payload.authorizations ?? {})) {
        const client = await this.provider.Client.find(clientId);
        apps.push({ clientId, name: String(client?.clientName ?? clientId) });
      }
      sessions.push({
        id: row.id,
        uid: payload.uid,
        loginAt: payload.loginTs ? payload.loginTs * 1000 : null,
        expiresAt: row.expires_at === null ? null : Number(row.expires_at),
        apps,
      });
    }
    return sessions.sort((a, b) => (b.loginAt ?? 0) - (a.loginAt ?? 0));
  }

  /** Ends one session of the account; false when the account has no such session. */
  async end(accountId: string, sessionId: string): Promise<boolean> {
    const session = await this.provider.Session.find(sessionId);
    if (!session || session.accountId !== accountId) return false;

    const authorizations = (session.authorizations ?? {}) as NonNullable<
      SessionPayload['authorizations']
    >;
    for (const [clientId, authorization] of Object.entries(authorizations)) {
      await this.notifyApp(accountId, clientId, authorization.sid);
      if (authorization.grantId && !authorization.persistsLogout) {
        await this.revokeGrant(authorization.grantId);
      }
    }
    await session.destroy();
    this.log.info({ accountId, apps: Object.keys(authorizations).length }, 'session.ended');
    return true;
  }

  private async notifyApp(accountId: string, clientId: string, sid: string | undefined) {
    const client = await this.provider.Client.find(clientId);
    if (!client?.backchannelLogoutUri) return;
    try {
      // The same call end_session makes; @types/oidc-provider leaves this method out.
      await (client as unknown as BackchannelClient).backchannelLogout(accountId, sid ?? '');
      this.log.info({ clientId }, 'oidc.backchannel_logout_sent');
    } catch (error) {
      // An app that is down must not keep the session alive: its tokens are revoked anyway.
      this.log.warn({ err: error, clientId }, 'oidc.backchannel_logout_failed');
    }
  }

  /** Revokes a grant and every token and code issued under it, as logout does. */
  private async revokeGrant(grantId: string): Promise<void> {
    const { AccessToken, RefreshToken, AuthorizationCode, Grant } = this.provider;
    await Promise.all([
      AccessToken.revokeByGrantId(grantId),
      RefreshToken.revokeByGrantId(grantId),
      AuthorizationCode.revokeByGrantId(grantId),
    ]);
    await (await Grant.find(grantId))?.destroy();
  }
}
