import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('accounts', (table) => {
    table.string('id', 36).primary();
    table.string('name', 100).nullable();
    table.string('role', 16).notNullable().defaultTo('parent');
    table.string('password_hash', 255).nullable();
    table.string('status', 16).notNullable().defaultTo('active');
    table.bigInteger('created_at').notNullable();
    table.bigInteger('updated_at').notNullable();
  });

  await knex.schema.createTable('identities', (table) => {
    table.increments('id');
    table.string('account_id', 36).notNullable().references('accounts.id').onDelete('CASCADE');
    table.string('provider', 100).notNullable();
    table.string('subject', 191).notNullable();
    table.boolean('verified').notNullable().defaultTo(false);
    table.bigInteger('created_at').notNullable();
    table.bigInteger('last_used_at').nullable();
    table.unique(['provider', 'subject']);
    table.index(['account_id']);
  });

  await knex.schema.createTable('audit_log', (table) => {
    table.increments('id');
    table.bigInteger('at').notNullable();
    table.string('action', 64).notNullable();
    table.string('actor_account_id', 36).nullable();
    table.string('subject_account_id', 36).nullable();
    table.string('provider', 100).nullable();
    table.string('ip', 64).nullable();
    table.text('detail').nullable();
    table.index(['subject_account_id', 'at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('audit_log');
  await knex.schema.dropTable('identities');
  await knex.schema.dropTable('accounts');
}
