import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // One table for every oidc-provider model (sessions, interactions, codes, tokens, grants…),
  // keyed by (model, id) as the provider's adapter contract expects.
  await knex.schema.createTable('oidc_payloads', (table) => {
    table.string('model', 40).notNullable();
    table.string('id', 191).notNullable();
    table.text('payload', 'mediumtext').notNullable();
    table.string('grant_id', 191).nullable();
    table.string('user_code', 191).nullable();
    table.string('uid', 191).nullable();
    table.bigInteger('expires_at').nullable();
    table.bigInteger('consumed_at').nullable();
    table.primary(['model', 'id']);
    table.index(['grant_id']);
    table.index(['uid']);
    table.index(['user_code']);
    table.index(['expires_at']);
  });

  await knex.schema.createTable('apps', (table) => {
    table.string('client_id', 64).primary();
    table.string('name', 100).notNullable();
    table.boolean('first_party').notNullable().defaultTo(false);
    table.text('metadata').notNullable();
    table.bigInteger('created_at').notNullable();
  });

  await knex.schema.createTable('signing_keys', (table) => {
    table.string('kid', 64).primary();
    table.string('alg', 16).notNullable();
    table.text('private_jwk').notNullable();
    table.bigInteger('created_at').notNullable();
    table.bigInteger('retired_at').nullable();
    table.bigInteger('expires_at').nullable();
  });

  await knex.schema.createTable('hub_secrets', (table) => {
    table.string('name', 64).primary();
    table.text('value').notNullable();
    table.bigInteger('created_at').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('hub_secrets');
  await knex.schema.dropTable('signing_keys');
  await knex.schema.dropTable('apps');
  await knex.schema.dropTable('oidc_payloads');
}
