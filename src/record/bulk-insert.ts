import type { Knex } from '../db/knex.js';

type Row = Record<string, unknown>;

type SqliteStatement = { run(values: unknown[]): { changes: number } };
type SqliteConnection = { prepare(sql: string): SqliteStatement };

// Rows per statement on MySQL: few enough that a batch of long raw rows stays far below the
// default max_allowed_packet (16 MB on MariaDB, 64 MB on MySQL 8).
const MYSQL_CHUNK = 1000;

const statements = new WeakMap<SqliteConnection, Map<string, SqliteStatement>>();

/**
 * Inserts rows into `table` (within the transaction `trx`), skipping those whose unique key
 * exists. Answers the positions of the rows that may have been skipped: exactly those on
 * SQLite; on MySQL every row of a statement that skipped any, since `insert ignore` reports
 * only how many rows went in. A caller that must tell its own earlier rows from someone
 * else's reads just those back.
 */
export async function insertIgnoring(
  trx: Knex.Transaction,
  table: string,
  rows: Row[],
): Promise<number[]> {
  const first = rows[0];
  if (!first) return [];
  const columns = Object.keys(first);
  const names = columns.map((column) => `\`${column}\``).join(',');
  const tuple = `(${columns.map(() => '?').join(',')})`;
  // better-sqlite3 binds no booleans; 1 and 0 are what knex would have sent for them.
  const valuesOf = (row: Row) =>
    columns.map((column) => {
      const value = row[column] ?? null;
      return typeof value === 'boolean' ? Number(value) : value;
    });

  if (trx.client.config.client !== 'mysql2') {
    const statement = await sqliteStatement(
      trx,
      `insert into \`${table}\` (${names}) values ${tuple} on conflict do nothing`,
    );
    const skipped: number[] = [];
    rows.forEach((row, index) => {
      if (statement.run(valuesOf(row)).changes === 0) skipped.push(index);
    });
    return skipped;
  }

  const skipped: number[] = [];
  for (let start = 0; start < rows.length; start += MYSQL_CHUNK) {
    const chunk = rows.slice(start, start + MYSQL_CHUNK);
    const [result] = (await trx.raw(
      `insert ignore into \`${table}\` (${names}) values ${chunk.map(() => tuple).join(',')}`,
      chunk.flatMap(valuesOf) as Knex.Value[],
    )) as [{ affectedRows: number }];
    if (result.affectedRows < chunk.length) {
      for (let index = start; index < start + chunk.length; index += 1) skipped.push(index);
    }
  }
  return skipped;
}

/**
 * A prepared statement on the transaction's own better-sqlite3 connection, kept for the life
 * of the connection. knex prepares every statement anew, which for a single-row insert run
 * thousands of times per batch cost more than SQLite's work of storing the row; one row per
 * statement also tells exactly which rows were skipped. Inside a transaction knex's client
 * hands out the transaction's connection, so these rows are part of it.
 */
async function sqliteStatement(trx: Knex.Transaction, sql: string): Promise<SqliteStatement> {
  // Outside a transaction the connection would be taken from the pool and never given back.
  if (!trx.isTransaction) throw new Error('insertIgnoring needs a transaction');
  const connection = (await trx.client.acquireConnection()) as SqliteConnection;
  let cache = statements.get(connection);
  if (!cache) {
    cache = new Map();
    statements.set(connection, cache);
  }
  let statement = cache.get(sql);
  if (!statement) {
    statement = connection.prepare(sql);
    cache.set(sql, statement);
  }
  return statement;
}
