import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { Knex } from '../db/knex.js';
import type { AppStore } from './app-store.js';

type PayloadRow = {
  payload: string;
  expires_at: number | string | null;
  consumed_at: number | string | null;
};

/**
 * Persists every oidc-provider model in `oidc_payloads`, so sessions, codes and tokens survive
 * a restart and any hub process can continue what another one started. Clients are read
 * from the `apps` table, where `hub apps add` registers them.
 */
export function createKnexAdapter(knex: Knex, apps: AppStore) {
  return class KnexAdapter implements Adapter {
    constructor(private readonly model: string) {}

    async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
      const row = {
        model: this.model,
        id,
        payload: JSON.stringify(payload),
        grant_id: payload.grantId ?? null,
        user_code: payload.userCode ?? null,
        uid: payload.uid ?? null,
        account_id: payload.accountId ?? null,
        expires_at: expiresIn ? Date.now() + expiresIn * 1000 : null,
        consumed_at: null,
      };
      await knex('oidc_payloads')
        .insert(row)
        .onConflict(['model', 'id'])
        .merge(['payload', 'grant_id', 'user_code', 'uid', 'account_id', 'expires_at']);
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      if (this.model === 'Client') return apps.clientMetadata(id);
      return this.findWhere({ id });
    }

    findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return this.findWhere({ uid });
    }

    findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return this.findWhere({ user_code: userCode });
    }

    async consume(id: string): Promise<void> {
      await knex('oidc_payloads')
        .where({ model: this.model, id })
        .whereNull('consumed_at')
        .update({ consumed_at: Date.now() });
    }

    async destroy(id: string): Promise<void> {
      await knex('oidc_payloads').where({ model: this.model, id }).delete();
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await knex('oidc_payloads').where({ model: this.model, grant_id: grantId }).delete();
    }

    private async findWhere(where: Record<string, string>): Promise<AdapterPayload | undefined> {
      const row: PayloadRow | undefined = await knex('oidc_payloads')
        .where({ model: this.model, ...where })
        .first('payload', 'expires_at', 'consumed_at');
      if (!row) return undefined;

      // Expired rows are left for the cleanup to delete; to the provider they no longer exist.
      if (row.expires_at !== null && Number(row.expires_at) <= Date.now()) return undefined;

      const payload = JSON.parse(row.payload) as AdapterPayload;
      if (row.consumed_at !== null) {
        payload.consumed = Math.floor(Number(row.consumed_at) / 1000);
      }
      return payload;
    }
  };
}

/** Deletes artifacts that expired more than `graceMs` ago; returns how many it removed. */
export async function deleteExpiredPayloads(
  knex: Knex,
  now = Date.now(),
  graceMs = 60_000,
): Promise<number> {
  return knex('oidc_payloads')
    .where('expires_at', '<', now - graceMs)
    .delete();
}
