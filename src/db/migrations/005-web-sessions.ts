import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Browser sessions of the hub's own pages (upstream login attempts, the account page), kept
  // in the database so any hub process can continue a login another one started.
  await knex.schema.createTable('web_sessions', (table) => {
    table.string('sid', 191).primary();
    table.text('data').notNullable();
    table.bigInteger('expires_at').notNullable();
    table.index(['expires_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('web_sessions');
}
