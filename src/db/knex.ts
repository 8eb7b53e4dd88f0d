import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import knexFactory, { type Knex } from 'knex';

export type { Knex };

export type DatabaseKind = 'sqlite' | 'mysql';

export function databaseKind(databaseUrl: string): DatabaseKind {
  return databaseUrl.startsWith('mysql://') ? 'mysql' : 'sqlite';
}

/** Opens the database named by a DATABASE_URL: `sqlite:<file>` or `mysql://…`. */
export function openDatabase(databaseUrl: string): Knex {
  if (databaseKind(databaseUrl) === 'mysql') {
    return knexFactory({
      client: 'mysql2',
      connection: {
        uri: databaseUrl,
        charset: 'utf8mb4',
        // Times are stored as epoch milliseconds, so no session time zone can shift them.
        supportBigNumbers: true,
      } as Knex.MySql2ConnectionConfig,
      pool: { min: 0, max: 10 },
    });
  }

  const filename = resolve(databaseUrl.slice('sqlite:'.length));
  mkdirSync(dirname(filename), { recursive: true });
  return knexFactory({
    client: 'better-sqlite3',
    connection: { filename },
    useNullAsDefault: true,
    pool: {
      min: 1,
      max: 1,
      afterCreate(connection: { pragma(sql: string): unknown }, done: (error?: Error) => void) {
        // WAL lets a second process (the CLI next to a running hub) read while the hub writes;
        // busy_timeout makes a writer wait for the lock instead of failing at once.
        connection.pragma('journal_mode = WAL');
        // In WAL mode NORMAL still never corrupts the file; a power cut (not a crash) may lose
        // the last commits. Syncing every commit cost more than half of a refresh grant.
        connection.pragma('synchronous = NORMAL');
        connection.pragma('busy_timeout = 5000');
        connection.pragma('foreign_keys = ON');
        // Each checkpoint syncs the database file. At SQLite's default of every 1000 pages
        // (4 MB) a large attendance file spent a third of its time in them; at 10,000 they are
        // a tenth as many, and the WAL is cut back to 64 MB after one.
        connection.pragma('wal_autocheckpoint = 10000');
        connection.pragma('journal_size_limit = 67108864');
        done();
      },
    },
  });
}
