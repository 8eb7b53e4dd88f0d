import { AccountStore, type Role } from '../../src/accounts/account-store.js';
import { hashPassword } from '../../src/accounts/password.js';
import type { Knex } from '../../src/db/knex.js';
import { signInToHub } from '../helpers/hub-pages.js';
import type { UserAgent } from '../helpers/user-agent.js';

/** Creates an account with a phone and password straight in the store. */
export async function createAccount(knex: Knex, role: Role, phone: string, password: string) {
  return new AccountStore(knex).create({
    name: `${role} ${phone.slice(-4)}`,
    role,
    passwordHash: await hashPassword(password),
    identities: [{ provider: 'phone', subject: phone, verified: true }],
  });
}

/**
 * A signed-in browser on the console, calling the APIs the way the console's script does:
 * its cookies and the CSRF token read from a console page.
 */
export class ConsoleClient {
  private constructor(
    readonly hubUrl: string,
    readonly agent: UserAgent,
    readonly csrf: string,
  ) {}

  static async signIn(
    hubUrl: string,
    credentials: { phone: string; password: string },
    page: string,
  ): Promise<ConsoleClient> {
    const agent = await signInToHub(hubUrl, credentials, page);
    const shown = await agent.navigate(`${hubUrl}${page}`);
    const csrf = /data-csrf="([^"]+)"/.exec(shown.body)?.[1];
    if (!csrf) throw new Error(`no CSRF token on ${page} (${shown.status}): ${shown.body}`);
    return new ConsoleClient(hubUrl, agent, csrf);
  }

  headers(extra: Record<string, string> = {}): Record<string, string> {
    const host = new URL(this.hubUrl).host;
    const cookie = [...this.agent.cookies(host)].map(([name, value]) => `${name}=${value}`);
    return {
      cookie: cookie.join('; '),
      'x-csrf-token': this.csrf,
      accept: 'application/json',
      ...extra,
    };
  }

  fetch(
    path: string,
    init: { method?: string; body?: FormData | string; json?: unknown; csrf?: boolean } = {},
  ) {
    const headers = this.headers(
      init.json === undefined ? {} : { 'content-type': 'application/json' },
    );
    if (init.csrf === false) delete headers['x-csrf-token'];
    return fetch(`${this.hubUrl}${path}`, {
      method: init.method ?? 'GET',
      headers,
      body: init.json === undefined ? init.body : JSON.stringify(init.json),
    });
  }
}

export function fileForm(content: Buffer, fileName: string): FormData {
  const form = new FormData();
  form.append('file', new Blob([content]), fileName);
  return form;
}

export type SubmissionAnswer = {
  id: number;
  status: string;
  recognised: boolean;
  fileName: string;
  counts: Record<'read' | 'imported' | 'duplicate' | 'rejected' | 'unmatched', number>;
  facts: { format: string | null; encoding: string | null };
  links: { self: string; report: string };
  error: { code: string; message: string } | null;
};

export type ErrorAnswer = { error: string; message: string };

/** The JSON of an API answer, read as the shape the test expects. */
export async function answer<T = SubmissionAnswer>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

/** Polls a submission until it is no longer queued or processing. */
export async function settled(get: () => Promise<Response>): Promise<SubmissionAnswer> {
  for (let attempt = 0; attempt < 300; attempt++) {
    const body = await answer(await get());
    if (!['queued', 'processing'].includes(body.status)) return body;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the submission did not finish');
}
