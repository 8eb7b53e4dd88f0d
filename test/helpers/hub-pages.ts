import { UserAgent, readForm } from './user-agent.js';

/**
 * A browser signed in to the hub's own pages (account page, console) with phone + password,
 * the way a person gets there: the hub's login page, then back to `returnTo`.
 */
export async function signInToHub(
  hubUrl: string,
  credentials: { phone: string; password: string },
  returnTo = '/api/me',
): Promise<UserAgent> {
  const agent = new UserAgent();
  const login = await agent.navigate(
    `${hubUrl}/signed-in/start?return=${encodeURIComponent(returnTo)}`,
  );
  const { action, fields } = readForm(login.body, '/password');
  const landed = await agent.navigate(new URL(action, login.url).href, {
    form: { ...fields, ...credentials },
  });
  if (landed.url !== `${hubUrl}${returnTo}`) {
    throw new Error(`signing in to the hub ended at ${landed.url} (${landed.status})`);
  }
  return agent;
}
