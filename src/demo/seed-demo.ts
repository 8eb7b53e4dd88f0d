import { randomBytes } from 'node:crypto';
import type { AccountStore } from '../accounts/account-store.js';
import { hashPassword } from '../accounts/password.js';
import { type AppStore, buildClientMetadata } from '../oidc/app-store.js';

export const DEMO_PARENT_PHONE = '+8613800138000';

export const DEMO_APPS = [
  { slug: 'weixuetong', clientId: 'demo-weixuetong', title: '微学通 Weixuetong (demo)' },
  { slug: 'elearning', clientId: 'demo-elearning', title: 'E学网 E-learning-net (demo)' },
] as const;

export type DemoSeed = {
  parent: { phone: string; password?: string };
  apps: Array<{ slug: string; title: string; clientId: string; clientSecret: string }>;
};

/**
 * Makes sure the demo parent and the two demo apps exist. The parent's password is random
 * and only known on the run that creates it; the apps' URIs follow the current public URL.
 */
export async function seedDemo(
  accounts: AccountStore,
  apps: AppStore,
  hubUrl: string,
): Promise<DemoSeed> {
  const seed: DemoSeed = { parent: { phone: DEMO_PARENT_PHONE }, apps: [] };

  if (!(await accounts.findByIdentity('phone', DEMO_PARENT_PHONE))) {
    const password = randomBytes(6).toString('base64url');
    try {
      await accounts.create({
        name: '演示家长 Demo Parent',
        passwordHash: await hashPassword(password),
        identities: [{ provider: 'phone', subject: DEMO_PARENT_PHONE, verified: true }],
      });
      seed.parent.password = password;
    } catch (error) {
      if (!(await accounts.findByIdentity('phone', DEMO_PARENT_PHONE))) throw error;
    }
  }

  for (const demo of DEMO_APPS) {
    const appUrl = `${hubUrl}/demo/${demo.slug}`;
    const wanted = buildClientMetadata({
      clientId: demo.clientId,
      name: demo.title,
      redirectUris: [`${appUrl}/callback`],
      postLogoutRedirectUris: [`${appUrl}/`],
      backchannelLogoutUri: `${appUrl}/backchannel-logout`,
      firstParty: true,
    });
    // Another hub process may be seeding at the same moment: the first insert wins and both
    // then keep the stored secret.
    await apps.insertIfAbsent(wanted);
    const stored = await apps.clientMetadata(demo.clientId);
    wanted.client_secret = String(stored?.client_secret);
    await apps.replaceMetadata(wanted);
    seed.apps.push({ ...demo, clientSecret: wanted.client_secret });
  }

  return seed;
}
