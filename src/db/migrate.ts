import type { Knex } from 'knex';
import * as accounts from './migrations/001-accounts.js';
import * as oidc from './migrations/002-oidc.js';
import * as login from './migrations/003-login.js';
import * as jobs from './migrations/004-jobs.js';
import * as webSessions from './migrations/005-web-sessions.js';
import * as accountLinks from './migrations/006-account-links.js';
import * as institutionsAndRecord from './migrations/007-institutions-and-record.js';
import * as eventsInArrivalOrder from './migrations/008-learning-events-in-arrival-order.js';

type Migration = { up(knex: Knex): Promise<void>; down(knex: Knex): Promise<void> };

// Listed in code rather than read from a folder so the same list works under tsx (.ts) and
// from the compiled build (.js); names are stable because knex records them.
const MIGRATIONS: Array<[string, Migration]> = [
  ['001-accounts', accounts],
  ['002-oidc', oidc],
  ['003-login', login],
  ['004-jobs', jobs],
  ['005-web-sessions', webSessions],
  ['006-account-links', accountLinks],
  ['007-institutions-and-record', institutionsAndRecord],
  ['008-learning-events-in-arrival-order', eventsInArrivalOrder],
];

const source: Knex.MigrationSource<[string, Migration]> = {
  getMigrations: async () => MIGRATIONS,
  getMigrationName: ([name]) => name,
  getMigration: async ([, migration]) => migration,
};

/**
 * knex creates its lock table and then inserts the single lock row only if it finds none, so
 * two processes on an empty database can both insert one. With two rows knex can never take
 * the lock again ("Migration table is already locked" forever). Inserting the row under a
 * fixed key makes that setup safe to run concurrently; knex then finds it and adds nothing.
 * A process that loses the race to create the table gets "already exists" and is retried.
 */
async function prepareLockTable(knex: Knex): Promise<void> {
  if (!(await knex.schema.hasTable('knex_migrations_lock'))) {
    await knex.schema.createTable('knex_migrations_lock', (table) => {
      table.increments('index').primary();
      table.integer('is_locked');
    });
  }
  await knex('knex_migrations_lock')
    .insert({ index: 1, is_locked: 0 })
    .onConflict('index')
    .ignore();
}

/**
 * Brings the schema up to date; returns the names of the migrations it ran. When several hub
 * processes start together one takes knex's migration lock and the others wait for it.
 */
export async function migrateToLatest(knex: Knex, waitMs = 60_000): Promise<string[]> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      await prepareLockTable(knex);
      const [, applied] = (await knex.migrate.latest({ migrationSource: source })) as [
        number,
        string[],
      ];
      return applied;
    } catch (error) {
      // Besides the lock itself, two processes on an empty database can race to create
      // knex's bookkeeping tables; the loser sees "already exists" and simply tries again.
      const retryable =
        (error as Error).name === 'MigrationLocked' ||
        /already exists/i.test((error as Error).message);
      if (!retryable || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
