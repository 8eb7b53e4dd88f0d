import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // One row per job slot (job name + scheduled time): the process whose insert lands runs it.
  await knex.schema.createTable('job_runs', (table) => {
    table.string('run_key', 191).primary();
    table.string('owner', 64).notNullable();
    table.bigInteger('started_at').notNullable();
    table.bigInteger('lease_until').notNullable();
    table.bigInteger('finished_at').nullable();
    table.index(['started_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('job_runs');
}
