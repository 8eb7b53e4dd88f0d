import { randomUUID } from 'node:crypto';
import type { Knex } from '../db/knex.js';

export type Role = 'parent' | 'admin' | 'operator';

export type Account = {
  id: string;
  name: string | null;
  role: Role;
  passwordHash: string | null;
  status: 'active' | 'disabled';
  createdAt: number;
};

export type Identity = {
  id: number;
  accountId: string;
  provider: string;
  subject: string;
  verified: boolean;
  createdAt: number;
  lastUsedAt: number | null;
};

type AccountRow = {
  id: string;
  name: string | null;
  role: Role;
  password_hash: string | null;
  status: 'active' | 'disabled';
  created_at: number | string;
};

type IdentityRow = {
  id: number;
  account_id: string;
  provider: string;
  subject: string;
  verified: number | boolean;
  created_at: number | string;
  last_used_at: number | string | null;
};

function toAccount(row: AccountRow): Account {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    passwordHash: row.password_hash,
    status: row.status,
    createdAt: Number(row.created_at),
  };
}

function toIdentity(row: IdentityRow): Identity {
  return {
    id: row.id,
    accountId: row.account_id,
    provider: row.provider,
    subject: row.subject,
    verified: Boolean(row.verified),
    createdAt: Number(row.created_at),
    lastUsedAt: row.last_used_at === null ? null : Number(row.last_used_at),
  };
}

export class AccountStore {
  constructor(private readonly knex: Knex) {}

  async findById(id: string): Promise<Account | undefined> {
    const row = await this.knex<AccountRow>('accounts').where({ id }).first();
    return row && toAccount(row);
  }

  async findByIdentity(provider: string, subject: string): Promise<Account | undefined> {
    const row = await this.knex<AccountRow>('accounts')
      .join('identities', 'identities.account_id', 'accounts.id')
      .where({ 'identities.provider': provider, 'identities.subject': subject })
      .first('accounts.*');
    return row && toAccount(row);
  }

  /** The identity rows among `identities` that some account already holds. */
  async findIdentities(
    identities: Array<{ provider: string; subject: string }>,
  ): Promise<Identity[]> {
    if (identities.length === 0) return [];
    const rows = await this.knex<IdentityRow>('identities').where((query) => {
      for (const { provider, subject } of identities) query.orWhere({ provider, subject });
    });
    return rows.map(toIdentity);
  }

  async identitiesOf(accountId: string): Promise<Identity[]> {
    const rows = await this.knex<IdentityRow>('identities')
      .where({ account_id: accountId })
      .orderBy('id');
    return rows.map(toIdentity);
  }

  /** Creates an account together with its first identities, all or nothing. */
  async create(input: {
    name?: string | null;
    role?: Role;
    passwordHash?: string | null;
    identities: Array<{ provider: string; subject: string; verified: boolean }>;
  }): Promise<Account> {
    const now = Date.now();
    const account: AccountRow = {
      id: randomUUID(),
      name: input.name ?? null,
      role: input.role ?? 'parent',
      password_hash: input.passwordHash ?? null,
      status: 'active',
      created_at: now,
    };

    await this.knex.transaction(async (trx) => {
      await trx('accounts').insert({ ...account, updated_at: now });
      for (const identity of input.identities) {
        await trx('identities').insert({
          account_id: account.id,
          provider: identity.provider,
          subject: identity.subject,
          verified: identity.verified,
          created_at: now,
        });
      }
    });

    return toAccount(account);
  }

  async setPassword(accountId: string, passwordHash: string): Promise<void> {
    await this.knex('accounts')
      .where({ id: accountId })
      .update({ password_hash: passwordHash, updated_at: Date.now() });
  }

  async touchIdentity(provider: string, subject: string): Promise<void> {
    await this.knex('identities').where({ provider, subject }).update({ last_used_at: Date.now() });
  }

  async count(): Promise<number> {
    const row = await this.knex('accounts').count<{ n: number | string }[]>({ n: '*' }).first();
    return Number(row?.n ?? 0);
  }
}
