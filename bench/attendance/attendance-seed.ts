import { AccountStore } from '../../src/accounts/account-store.js';
import type { Knex } from '../../src/db/knex.js';
import type { GeneratedPerson } from '../../src/intake/generate-attendance.js';
import { AppStore, buildClientMetadata } from '../../src/oidc/app-store.js';
import { InstitutionStore } from '../../src/record/institution-store.js';

export type BenchInstitution = { code: string; clientId: string; clientSecret: string };

/** The people of the generated files: `count` parents with made-up mainland phones. */
export function benchPersons(count: number): GeneratedPerson[] {
  return Array.from({ length: count }, (_, index) => ({
    phone: `135${String(index).padStart(8, '0')}`,
  }));
}

/**
 * Creates accounts, with the phone verified, for all but `unmatchedShare` of the bench
 * persons, as after a season of sign-ups; the rest make the files' unmatched rows.
 */
export async function seedParents(
  knex: Knex,
  count: number,
  unmatchedShare: number,
): Promise<GeneratedPerson[]> {
  const persons = benchPersons(count);
  const withAccounts = persons.slice(0, Math.round(count * (1 - unmatchedShare)));
  const accounts = new AccountStore(knex);
  for (const person of withAccounts) {
    await accounts.create({
      name: 'Bench parent',
      identities: [{ provider: 'phone', subject: `+86${person.phone}`, verified: true }],
    });
  }
  return persons;
}

/** An institution and the client-credentials app its own system submits with. */
export async function seedInstitution(knex: Knex, code: string): Promise<BenchInstitution> {
  const institutions = new InstitutionStore(knex);
  const institution = await institutions.create({ kind: 'hospital', code, name: `Bench ${code}` });
  const metadata = buildClientMetadata({ name: `${code} system`, redirectUris: [] });
  await new AppStore(knex).insert(metadata);
  await institutions.bindApp(institution.id, metadata.client_id);
  return { code, clientId: metadata.client_id, clientSecret: String(metadata.client_secret) };
}
