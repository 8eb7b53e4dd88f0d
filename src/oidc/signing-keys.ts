import { randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import type { Knex } from '../db/knex.js';

const ALG = 'RS256';

type KeyRow = {
  kid: string;
  alg: string;
  private_jwk: string;
  created_at: number | string;
  retired_at: number | string | null;
  expires_at: number | string | null;
};

export type SigningKeyInfo = { kid: string; createdAt: number; retiredAt: number | null };

async function newKeyRow(): Promise<KeyRow> {
  const { privateKey } = await generateKeyPair(ALG, { modulusLength: 2048, extractable: true });
  const kid = randomBytes(9).toString('base64url');
  const jwk = { ...(await exportJWK(privateKey)), kid, alg: ALG, use: 'sig' };
  return {
    kid,
    alg: ALG,
    private_jwk: JSON.stringify(jwk),
    created_at: Date.now(),
    retired_at: null,
    expires_at: null,
  };
}

/**
 * Hub processes starting together on an empty database must end up with one key, or each
 * would sign with a key the others do not publish. Each proposes a key under one agreed name;
 * the first insert wins and every process stores that one.
 */
async function createFirstKey(knex: Knex): Promise<void> {
  const generation = await knex('signing_keys').count<{ n: number | string }[]>({ n: '*' });
  const name = `first-signing-key-${Number(generation[0]?.n ?? 0)}`;
  const proposal = await newKeyRow();
  await knex('hub_secrets')
    .insert({ name, value: JSON.stringify(proposal), created_at: Date.now() })
    .onConflict('name')
    .ignore();

  const agreed = await knex('hub_secrets').where({ name }).first('value');
  const row = JSON.parse(agreed.value) as Partial<KeyRow>;
  // Without private_jwk the winner has already stored the key and scrubbed this copy.
  if (!row.private_jwk) return;

  await knex('signing_keys').insert(row).onConflict('kid').ignore();
  await knex('hub_secrets')
    .where({ name })
    .update({ value: JSON.stringify({ kid: row.kid }) });
}

async function liveKeys(knex: Knex): Promise<KeyRow[]> {
  return knex<KeyRow>('signing_keys')
    .where((query) => query.whereNull('expires_at').orWhere('expires_at', '>', Date.now()))
    .orderBy('created_at', 'desc');
}

/**
 * The JWKS the provider signs and publishes with. The newest active key signs; retired keys
 * stay published (verify only) until they expire, so tokens they signed keep verifying.
 * The first start generates a key and stores it in the database, never in the repository.
 */
export async function loadSigningKeys(knex: Knex): Promise<{ keys: JWK[] }> {
  let rows = await liveKeys(knex);
  if (!rows.some((row) => row.retired_at === null)) {
    await createFirstKey(knex);
    rows = await liveKeys(knex);
  }

  const active = rows.filter((row) => row.retired_at === null);
  const retired = rows.filter((row) => row.retired_at !== null);
  return {
    keys: [
      ...active.map((row) => JSON.parse(row.private_jwk) as JWK),
      ...retired.map((row) => ({ ...(JSON.parse(row.private_jwk) as JWK), key_ops: ['verify'] })),
    ],
  };
}

/**
 * Adds a new signing key and retires the current ones. Running hub processes pick the new key
 * up when they restart; until then they keep signing with the old one, which stays valid.
 */
export async function rotateSigningKeys(knex: Knex, retireDays: number): Promise<string> {
  const row = await newKeyRow();
  const now = Date.now();
  await knex.transaction(async (trx) => {
    await trx('signing_keys')
      .whereNull('retired_at')
      .update({ retired_at: now, expires_at: now + retireDays * 86_400_000 });
    await trx('signing_keys').insert(row);
  });
  return row.kid;
}

export async function listSigningKeys(knex: Knex): Promise<SigningKeyInfo[]> {
  const rows = await liveKeys(knex);
  return rows.map((row) => ({
    kid: row.kid,
    createdAt: Number(row.created_at),
    retiredAt: row.retired_at === null ? null : Number(row.retired_at),
  }));
}
