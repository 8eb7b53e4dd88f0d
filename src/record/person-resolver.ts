import type { Knex } from '../db/knex.js';
import { institutionProvider } from './institution-store.js';

export type PersonKeys = { cardNumber?: string; studentNumber?: string; phone?: string };

// Enough for every parent of a large file; past it the cache starts over, so memory stays
// bounded whatever the file's size.
const CACHE_LIMIT = 200_000;

/**
 * Finds the accounts behind the rows of one file: the institution's own identity (card or
 * student number linked to an account) first, then a verified phone. A row that matches
 * neither stays unresolved: it goes to the unmatched queue, never to a guess.
 *
 * The same parents come back class after class, so answers (found or not) are remembered
 * for the file; each batch asks the database only about numbers it has not seen yet.
 */
export class PersonResolver {
  private readonly byNumber = new Map<string, string | null>();
  private readonly byPhone = new Map<string, string | null>();

  constructor(
    private readonly knex: Knex,
    private readonly institutionCode: string,
  ) {}

  async resolve(people: PersonKeys[]): Promise<Array<string | undefined>> {
    const numbers = new Set<string>();
    const phones = new Set<string>();
    for (const person of people) {
      if (person.cardNumber) numbers.add(person.cardNumber);
      if (person.studentNumber) numbers.add(person.studentNumber);
      if (person.phone) phones.add(person.phone);
    }
    await this.learn(this.byNumber, institutionProvider(this.institutionCode), numbers);
    await this.learn(this.byPhone, 'phone', phones);

    return people.map(
      (person) =>
        (person.cardNumber && this.byNumber.get(person.cardNumber)) ||
        (person.studentNumber && this.byNumber.get(person.studentNumber)) ||
        (person.phone && this.byPhone.get(person.phone)) ||
        undefined,
    );
  }

  private async learn(cache: Map<string, string | null>, provider: string, wanted: Set<string>) {
    const unknown = [...wanted].filter((subject) => !cache.has(subject));
    if (unknown.length === 0) return;
    if (cache.size + unknown.length > CACHE_LIMIT) cache.clear();

    const rows = await this.knex('identities')
      .where({ provider, verified: true })
      .whereIn('subject', unknown)
      .select('subject', 'account_id');
    for (const subject of unknown) cache.set(subject, null);
    for (const row of rows) cache.set(row.subject as string, row.account_id as string);
  }
}
