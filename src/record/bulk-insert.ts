import type { Knex } from '../db/knex.js';

/**
 * Inserts many rows in one statement, skipping those whose key exists (SQLite `on conflict
 * do nothing`, MySQL `insert ignore`, as knex's `onConflict().ignore()` writes them). The
 * statement text is built here rather than by knex's query compiler, which took longer to
 * compile a 500-row insert than SQLite took to run it.
 */
export async function insertIgnoring(
  knex: Knex,
  table: string,
  rows: Array<Record<string, unknown>>,
): Promise<void> {
  const first = rows[0];
  if (!first) return;
  const columns = Object.keys(first);
  const tuple = `(${columns.map(() => '?').join(',')})`;
  const values = rows.map(() => tuple).join(',');
  const bindings: Knex.Value[] = [];
  for (const row of rows) {
    for (const column of columns) bindings.push((row[column] ?? null) as Knex.Value);
  }
  const names = columns.map((column) => `\`${column}\``).join(',');
  const mysql = knex.client.config.client === 'mysql2';
  const sql = mysql
    ? `insert ignore into \`${table}\` (${names}) values ${values}`
    : `insert into \`${table}\` (${names}) values ${values} on conflict do nothing`;
  await knex.raw(sql, bindings);
}
