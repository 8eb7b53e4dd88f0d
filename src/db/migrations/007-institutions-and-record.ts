import type { Knex } from 'knex';

// MySQL indexes utf8mb4 strings up to 191 characters (767 bytes); every indexed string column
// here stays within that. JSON goes in `text` so SQLite and MySQL store it the same way.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('institutions', (table) => {
    table.increments('id');
    table.string('kind', 16).notNullable();
    table.string('code', 64).notNullable().unique();
    table.string('name', 200).notNullable();
    table.text('column_aliases').nullable();
    table.bigInteger('created_at').notNullable();
  });

  // An operator account belongs to exactly one institution.
  await knex.schema.createTable('institution_operators', (table) => {
    table.string('account_id', 36).primary().references('accounts.id').onDelete('CASCADE');
    table
      .integer('institution_id')
      .unsigned()
      .notNullable()
      .references('institutions.id')
      .onDelete('CASCADE');
    table.bigInteger('created_at').notNullable();
    table.index(['institution_id']);
  });

  // A client-credentials app that submits for one institution from the institution's system.
  await knex.schema.createTable('institution_apps', (table) => {
    table.string('client_id', 191).primary();
    table
      .integer('institution_id')
      .unsigned()
      .notNullable()
      .references('institutions.id')
      .onDelete('CASCADE');
    table.bigInteger('created_at').notNullable();
  });

  await knex.schema.createTable('submissions', (table) => {
    table.increments('id');
    table.integer('institution_id').unsigned().notNullable().references('institutions.id');
    table.string('file_sha256', 64).notNullable();
    table.string('original_name', 255).notNullable();
    table.string('stored_path', 1000).nullable();
    table.bigInteger('size_bytes').notNullable();
    table.string('format', 8).nullable();
    table.string('encoding', 16).nullable();
    table.string('requested_sheet', 255).nullable();
    table.string('sheet', 255).nullable();
    table.integer('header_row').nullable();
    table.text('columns').nullable();
    table.string('status', 16).notNullable();
    table.string('error_code', 64).nullable();
    table.text('error_message').nullable();
    table.text('error_message_zh').nullable();
    table.integer('rows_read').notNullable().defaultTo(0);
    table.integer('rows_imported').notNullable().defaultTo(0);
    table.integer('rows_duplicate').notNullable().defaultTo(0);
    table.integer('rows_rejected').notNullable().defaultTo(0);
    table.integer('rows_unmatched').notNullable().defaultTo(0);
    table.string('submitted_by_account_id', 36).nullable();
    table.string('submitted_by_client_id', 191).nullable();
    table.string('claimed_by', 64).nullable();
    table.bigInteger('lease_until').nullable();
    table.bigInteger('created_at').notNullable();
    table.bigInteger('started_at').nullable();
    table.bigInteger('finished_at').nullable();
    table.bigInteger('file_deleted_at').nullable();
    table.unique(['institution_id', 'file_sha256']);
    table.index(['status']);
  });

  // Rejected and unmatched rows: the submission's report and the admin's unmatched queue.
  await knex.schema.createTable('submission_rows', (table) => {
    table.increments('id');
    table
      .integer('submission_id')
      .unsigned()
      .notNullable()
      .references('submissions.id')
      .onDelete('CASCADE');
    table.integer('row_number').notNullable();
    table.string('outcome', 16).notNullable();
    table.string('reason_code', 64).notNullable();
    table.text('reason_message').notNullable();
    table.text('raw').notNullable();
    table.text('row').nullable();
    table.bigInteger('created_at').notNullable();
    table.bigInteger('resolved_at').nullable();
    table.string('resolved_account_id', 36).nullable();
    table.string('resolved_by', 36).nullable();
    table.unique(['submission_id', 'row_number']);
    table.index(['outcome', 'resolved_at']);
  });

  await knex.schema.createTable('activities', (table) => {
    table.increments('id');
    table.integer('institution_id').unsigned().notNullable().references('institutions.id');
    table.string('kind', 32).notNullable();
    table.string('course_key', 191).notNullable();
    table.string('course_code', 100).nullable();
    table.string('course_name', 255).nullable();
    table.bigInteger('first_seen').notNullable();
    table.string('classification', 64).nullable();
    table.unique(['institution_id', 'course_key']);
  });

  await knex.schema.createTable('learning_events', (table) => {
    table.string('id', 64).primary();
    table.string('account_id', 36).notNullable().references('accounts.id').onDelete('CASCADE');
    table.string('verb', 32).notNullable();
    table.integer('activity_id').unsigned().notNullable().references('activities.id');
    table.bigInteger('session_start').notNullable();
    table.string('result_status', 16).notNullable();
    table.integer('duration_minutes').nullable();
    table.string('source', 100).notNullable();
    table.integer('source_row').nullable();
    table.text('raw').nullable();
    table.bigInteger('created_at').notNullable();
    table.index(['account_id', 'session_start']);
    table.index(['source']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('learning_events');
  await knex.schema.dropTable('activities');
  await knex.schema.dropTable('submission_rows');
  await knex.schema.dropTable('submissions');
  await knex.schema.dropTable('institution_apps');
  await knex.schema.dropTable('institution_operators');
  await knex.schema.dropTable('institutions');
}
