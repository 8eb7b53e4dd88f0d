import { readForm, UserAgent } from './user-agent.js';
import type { TestHub } from './test-hub.js';

/**
 * A browser signed in to the hub's own pages with phone + SMS code, the way a parent who
 * proves their phone gets there; gives the browser and the account it landed on.
 */
export async function signInToHubWithSms(
  hub: TestHub,
  phone: string,
  returnTo = '/api/me',
): Promise<{ agent: UserAgent; accountId: string }> {
  const agent = new UserAgent();
  const login = await agent.navigate(
    `${hub.url}/signed-in/start?return=${encodeURIComponent(returnTo)}`,
  );
  const send = readForm(login.body, '/sms/send');
  const sent = await agent.navigate(new URL(send.action, login.url).href, {
    form: { ...send.fields, phone },
  });
  const verify = readForm(sent.body, '/sms/verify');
  const landed = await agent.navigate(new URL(verify.action, sent.url).href, {
    form: { ...verify.fields, code: hub.sms.lastCodeFor(phone) },
  });
  if (landed.url !== `${hub.url}${returnTo}`) {
    throw new Error(`signing in with SMS ended at ${landed.url} (${landed.status})`);
  }
  const accountId = await signedInAccountId(agent, hub.url);
  if (!accountId) throw new Error('the hub does not see this browser as signed in');
  return { agent, accountId };
}

/** The account the hub says this browser is signed in to, or undefined when none. */
export async function signedInAccountId(
  agent: UserAgent,
  hubUrl: string,
): Promise<string | undefined> {
  const response = await agent.request(`${hubUrl}/api/me`);
  if (response.status !== 200) {
    await response.body?.cancel();
    return undefined;
  }
  return ((await response.json()) as { accountId: string }).accountId;
}
