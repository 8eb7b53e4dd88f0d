import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // The account page lists a parent's hub sessions; the payload is JSON, so the adapter copies
  // its owner into an indexed column to find them without a scan. Existing sessions and grants
  // are filled in below; older codes and tokens expire soon and are left without an owner.
  await knex.schema.alterTable('oidc_payloads', (table) => {
    table.string('account_id', 36).nullable();
    table.index(['account_id', 'model']);
  });

  const rows: Array<{ model: string; id: string; payload: string }> = await knex('oidc_payloads')
    .whereIn('model', ['Session', 'Grant'])
    .select('model', 'id', 'payload');
  for (const row of rows) {
    const accountId = (JSON.parse(row.payload) as { accountId?: string }).accountId;
    if (accountId) {
      await knex('oidc_payloads')
        .where({ model: row.model, id: row.id })
        .update({ account_id: accountId });
    }
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('oidc_payloads', (table) => {
    table.dropIndex(['account_id', 'model']);
    table.dropColumn('account_id');
  });
}
