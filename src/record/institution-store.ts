import type { Knex } from '../db/knex.js';

export const INSTITUTION_KINDS = ['hospital', 'school', 'street'] as const;
export type InstitutionKind = (typeof INSTITUTION_KINDS)[number];

/** Extra header names per attendance field, on top of the built-in Chinese and English ones. */
export type ColumnAliasMap = Record<string, string[]>;

export type Institution = {
  id: number;
  kind: InstitutionKind;
  code: string;
  name: string;
  columnAliases: ColumnAliasMap;
  createdAt: number;
};

type InstitutionRow = {
  id: number;
  kind: InstitutionKind;
  code: string;
  name: string;
  column_aliases: string | null;
  created_at: number | string;
};

function toInstitution(row: InstitutionRow): Institution {
  return {
    id: row.id,
    kind: row.kind,
    code: row.code,
    name: row.name,
    columnAliases: row.column_aliases ? JSON.parse(row.column_aliases) : {},
    createdAt: Number(row.created_at),
  };
}

/** The identity provider under which an institution's card and student numbers are linked. */
export function institutionProvider(code: string): string {
  return `institution:${code}`;
}

/** Institutions, the operator accounts that belong to them and the apps bound to them. */
export class InstitutionStore {
  constructor(private readonly knex: Knex) {}

  async create(input: {
    kind: InstitutionKind;
    code: string;
    name: string;
    columnAliases?: ColumnAliasMap;
  }): Promise<Institution> {
    await this.knex('institutions').insert({
      kind: input.kind,
      code: input.code,
      name: input.name,
      column_aliases: input.columnAliases ? JSON.stringify(input.columnAliases) : null,
      created_at: Date.now(),
    });
    const created = await this.findByCode(input.code);
    if (!created) throw new Error(`institution ${input.code} vanished after insert`);
    return created;
  }

  async update(
    code: string,
    changes: { name?: string; kind?: InstitutionKind; columnAliases?: ColumnAliasMap },
  ): Promise<Institution | undefined> {
    const update: Record<string, unknown> = {};
    if (changes.name !== undefined) update.name = changes.name;
    if (changes.kind !== undefined) update.kind = changes.kind;
    if (changes.columnAliases !== undefined) {
      update.column_aliases = JSON.stringify(changes.columnAliases);
    }
    if (Object.keys(update).length > 0) {
      await this.knex('institutions').where({ code }).update(update);
    }
    return this.findByCode(code);
  }

  /** Deletes an institution that has no submissions yet; answers whether it did. */
  async deleteUnused(code: string): Promise<boolean> {
    const institution = await this.findByCode(code);
    if (!institution) return false;
    const used = await this.knex('submissions')
      .where({ institution_id: institution.id })
      .first('id');
    if (used) return false;
    await this.knex('institutions').where({ id: institution.id }).delete();
    return true;
  }

  async list(): Promise<Institution[]> {
    const rows = await this.knex<InstitutionRow>('institutions').orderBy('code');
    return rows.map(toInstitution);
  }

  async findByCode(code: string): Promise<Institution | undefined> {
    const row = await this.knex<InstitutionRow>('institutions').where({ code }).first();
    return row && toInstitution(row);
  }

  async findById(id: number): Promise<Institution | undefined> {
    const row = await this.knex<InstitutionRow>('institutions').where({ id }).first();
    return row && toInstitution(row);
  }

  /** Makes the account an operator of the institution, moving it if it belonged to another. */
  async addOperator(institutionId: number, accountId: string): Promise<void> {
    await this.knex('institution_operators')
      .insert({ account_id: accountId, institution_id: institutionId, created_at: Date.now() })
      .onConflict('account_id')
      .merge(['institution_id']);
  }

  async removeOperator(institutionId: number, accountId: string): Promise<boolean> {
    const removed = await this.knex('institution_operators')
      .where({ account_id: accountId, institution_id: institutionId })
      .delete();
    return removed > 0;
  }

  async operatorsOf(institutionId: number): Promise<Array<{ accountId: string; name: string }>> {
    const rows = await this.knex('institution_operators')
      .join('accounts', 'accounts.id', 'institution_operators.account_id')
      .where({ institution_id: institutionId })
      .orderBy('institution_operators.created_at')
      .select('accounts.id', 'accounts.name');
    return rows.map((row) => ({ accountId: row.id, name: row.name ?? '' }));
  }

  async institutionOfOperator(accountId: string): Promise<number | undefined> {
    const row = await this.knex('institution_operators')
      .where({ account_id: accountId })
      .first('institution_id');
    return row?.institution_id;
  }

  async bindApp(institutionId: number, clientId: string): Promise<void> {
    await this.knex('institution_apps')
      .insert({ client_id: clientId, institution_id: institutionId, created_at: Date.now() })
      .onConflict('client_id')
      .merge(['institution_id']);
  }

  async institutionOfApp(clientId: string): Promise<number | undefined> {
    const row = await this.knex('institution_apps')
      .where({ client_id: clientId })
      .first('institution_id');
    return row?.institution_id;
  }
}
