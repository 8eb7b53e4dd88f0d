import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('sms_codes', (table) => {
    table.increments('id');
    table.string('phone', 32).notNullable();
    table.string('attempt_id', 191).notNullable();
    table.string('code_hash', 128).notNullable();
    table.string('sender_ip', 64).nullable();
    table.integer('tries').notNullable().defaultTo(0);
    table.bigInteger('created_at').notNullable();
    table.bigInteger('expires_at').notNullable();
    table.bigInteger('consumed_at').nullable();
    table.index(['phone', 'attempt_id']);
    table.index(['phone', 'created_at']);
    table.index(['sender_ip', 'created_at']);
  });

  await knex.schema.createTable('sms_outbox', (table) => {
    table.increments('id');
    table.string('phone', 32).notNullable();
    table.string('body', 500).notNullable();
    table.bigInteger('created_at').notNullable();
    table.index(['phone', 'created_at']);
  });

  await knex.schema.createTable('login_throttle', (table) => {
    table.string('key', 191).primary();
    table.integer('failures').notNullable().defaultTo(0);
    table.bigInteger('locked_until').notNullable().defaultTo(0);
    table.bigInteger('updated_at').notNullable();
  });

  await knex.schema.createTable('demo_sessions', (table) => {
    table.string('id', 64).primary();
    table.string('app', 32).notNullable();
    table.string('sid', 191).nullable();
    table.string('sub', 64).notNullable();
    table.text('claims').notNullable();
    table.text('id_token').notNullable();
    table.bigInteger('created_at').notNullable();
    table.index(['app', 'sid']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('demo_sessions');
  await knex.schema.dropTable('login_throttle');
  await knex.schema.dropTable('sms_outbox');
  await knex.schema.dropTable('sms_codes');
}
