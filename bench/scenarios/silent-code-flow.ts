import type * as oidc from 'openid-client';
import { redeem, startAuthorization } from '../../test/helpers/relying-party.js';
import { UserAgent } from '../../test/helpers/user-agent.js';
import type { Operation } from '../load.js';
import type { BenchApp, Parent } from '../seed.js';
import { logIn } from './password-login.js';

/**
 * A browser already signed in to the hub (through the first app, untimed) opens the second
 * app: authorization request with prompt=none, code straight back without a page, redemption.
 */
export function silentCodeFlow(
  firstConfig: oidc.Configuration,
  first: BenchApp,
  secondConfig: oidc.Configuration,
  second: BenchApp,
  parents: Parent[],
) {
  return async (user: number): Promise<Operation> => {
    const parent = parents[user];
    if (!parent) throw new Error(`no parent for virtual user ${user}`);
    const agent = new UserAgent();
    await logIn(agent, firstConfig, first, parent);

    const rp = { config: secondConfig, redirectUri: second.redirectUri };
    return async () => {
      const start = await startAuthorization(rp, { prompt: 'none' });
      const hop = await agent.navigate(start.url, { stopAt: second.redirectUri });
      if (!hop.stopped) throw new Error(`the hub showed a page (${hop.status})`);
      await redeem(rp, hop.url, start);
    };
  };
}
