import type { ClientMetadata } from 'oidc-provider';
import { AccountStore } from '../src/accounts/account-store.js';
import { hashPassword } from '../src/accounts/password.js';
import { openDatabase } from '../src/db/knex.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { AppStore, buildClientMetadata } from '../src/oidc/app-store.js';

export type BenchApp = { metadata: ClientMetadata; redirectUri: string };
export type Parent = { phone: string; password: string };

export type BenchApps = { first: BenchApp; second: BenchApp; machine: BenchApp };

const PASSWORD = 'bench password 1';

/**
 * The apps every run uses, as `hub apps add` would register them: two first-party learning
 * apps (confidential, code flow + refresh) and a machine app (client credentials only).
 * Their redirect URIs are never loaded: the bench browser stops there, as the app would.
 */
export function benchApps(): BenchApps {
  const app = (name: string, redirectUri: string): BenchApp => ({
    redirectUri,
    metadata: buildClientMetadata({ name, redirectUris: [redirectUri], firstParty: true }),
  });
  return {
    first: app('Bench first app', 'http://127.0.0.1:9/first/cb'),
    second: app('Bench second app', 'http://127.0.0.1:9/second/cb'),
    machine: {
      redirectUri: '',
      metadata: buildClientMetadata({ name: 'Bench API', redirectUris: [] }),
    },
  };
}

/** One parent per virtual user, so no phone is shared and no login waits on another's row. */
export function benchParents(count: number): Parent[] {
  return Array.from({ length: count }, (_, index) => ({
    phone: `+86137${String(index).padStart(8, '0')}`,
    password: PASSWORD,
  }));
}

/** Migrates an empty hub database and registers the apps and parents, before the hub starts. */
export async function seedHubDatabase(url: string, apps: BenchApps, parents: Parent[]) {
  const knex = openDatabase(url);
  try {
    await migrateToLatest(knex);
    const appStore = new AppStore(knex);
    for (const app of Object.values(apps)) await appStore.insert(app.metadata);

    // One hash serves every parent: same password, same parameters, same verify cost.
    const passwordHash = await hashPassword(PASSWORD);
    const accounts = new AccountStore(knex);
    for (const parent of parents) {
      await accounts.create({
        name: 'Bench parent',
        passwordHash,
        identities: [{ provider: 'phone', subject: parent.phone, verified: true }],
      });
    }
  } finally {
    await knex.destroy();
  }
}
