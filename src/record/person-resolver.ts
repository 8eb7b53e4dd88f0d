import type { Knex } from '../db/knex.js';
import { institutionProvider } from './institution-store.js';

export type PersonKeys = { cardNumber?: string; studentNumber?: string; phone?: string };

/**
 * Finds the accounts behind a batch of rows with two queries: the institution's own identity
 * (card or student number linked to an account) first, then a verified phone. A row that
 * matches neither stays unresolved: it goes to the unmatched queue, never to a guess.
 */
export async function resolvePersons(
  knex: Knex,
  institutionCode: string,
  people: PersonKeys[],
): Promise<Array<string | undefined>> {
  const provider = institutionProvider(institutionCode);
  const numbers = new Set<string>();
  const phones = new Set<string>();
  for (const person of people) {
    if (person.cardNumber) numbers.add(person.cardNumber);
    if (person.studentNumber) numbers.add(person.studentNumber);
    if (person.phone) phones.add(person.phone);
  }

  const byNumber = await lookUp(knex, provider, [...numbers]);
  const byPhone = await lookUp(knex, 'phone', [...phones]);

  return people.map(
    (person) =>
      (person.cardNumber && byNumber.get(person.cardNumber)) ||
      (person.studentNumber && byNumber.get(person.studentNumber)) ||
      (person.phone && byPhone.get(person.phone)) ||
      undefined,
  );
}

async function lookUp(
  knex: Knex,
  provider: string,
  subjects: string[],
): Promise<Map<string, string>> {
  if (subjects.length === 0) return new Map();
  const rows = await knex('identities')
    .where({ provider, verified: true })
    .whereIn('subject', subjects)
    .select('subject', 'account_id');
  return new Map(rows.map((row) => [row.subject as string, row.account_id as string]));
}
