import assert from 'node:assert/strict';
import { type Knex, openDatabase } from '../../src/db/knex.js';
import { insertIgnoring } from '../../src/record/bulk-insert.js';
import { describeOnEachDatabase } from '../helpers/databases.js';

describeOnEachDatabase('inserting many rows, skipping those already there', (db) => {
  let knex: Knex;

  before(async () => {
    knex = openDatabase(db().url);
    await knex.schema.createTable('bulk_rows', (table) => {
      table.string('id', 16).primary();
      table.integer('n').notNullable();
      table.boolean('flag').notNullable();
    });
  });

  after(async () => {
    await knex?.destroy();
  });

  const rows = (ids: string[]) => ids.map((id, n) => ({ id, n, flag: n % 2 === 0 }));

  it('names every row it skipped, and keeps the first of two with the same key', async () => {
    await knex.transaction((trx) => insertIgnoring(trx, 'bulk_rows', rows(['a', 'b'])));

    const skipped = await knex.transaction((trx) =>
      insertIgnoring(trx, 'bulk_rows', rows(['c', 'a', 'd', 'c'])),
    );

    // MySQL only says how many rows a statement skipped, so it names the whole statement.
    for (const position of [1, 3]) assert.ok(skipped.includes(position));
    if (db().kind === 'sqlite') assert.deepEqual(skipped, [1, 3]);
    const stored = await knex('bulk_rows').orderBy('id').select('id', 'n', 'flag');
    assert.deepEqual(
      stored.map((row) => [row.id, Number(row.n), Boolean(row.flag)]),
      [
        ['a', 0, true],
        ['b', 1, false],
        ['c', 0, true],
        ['d', 2, true],
      ],
    );
  });

  it('stores nothing of a transaction that fails after the insert', async () => {
    await assert.rejects(
      knex.transaction(async (trx) => {
        await insertIgnoring(trx, 'bulk_rows', rows(['x', 'y']));
        throw new Error('the batch failed');
      }),
      /the batch failed/,
    );

    assert.equal((await knex('bulk_rows').whereIn('id', ['x', 'y'])).length, 0);
  });

  it('answers an empty list with nothing skipped', async () => {
    assert.deepEqual(await knex.transaction((trx) => insertIgnoring(trx, 'bulk_rows', [])), []);
  });
});
