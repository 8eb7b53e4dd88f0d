import { randomBytes } from 'node:crypto';
import type { Knex } from '../db/knex.js';

/**
 * Returns the named secret, creating it on first use. Every hub process on the same database
 * gets the same value (the first insert wins), so cookies and CSRF tokens made by one process
 * are accepted by the others.
 */
export async function hubSecret(knex: Knex, name: string): Promise<string> {
  await knex('hub_secrets')
    .insert({ name, value: randomBytes(32).toString('base64url'), created_at: Date.now() })
    .onConflict('name')
    .ignore();
  const row = await knex('hub_secrets').where({ name }).first('value');
  return row.value as string;
}
