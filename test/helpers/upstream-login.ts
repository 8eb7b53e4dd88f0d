import { readForm, type UserAgent } from './user-agent.js';

type Page = Awaited<ReturnType<UserAgent['navigate']>>;

/** The href of the login page's button for `providerId`, or undefined when it has none. */
export function providerButton(loginPage: Page, providerId: string): string | undefined {
  const tag = loginPage.body.match(new RegExp(`<a[^>]*id="login-${providerId}"[^>]*>`))?.[0];
  const href = tag?.match(/href="([^"]*)"/)?.[1]?.replace(/&amp;/g, '&');
  return href && new URL(href, loginPage.url).href;
}

/** Clicks a provider's button on the hub login page; returns the upstream's page. */
export async function clickProvider(agent: UserAgent, loginPage: Page, providerId: string) {
  const href = providerButton(loginPage, providerId);
  if (!href) throw new Error(`no button for ${providerId} on the login page:\n${loginPage.body}`);
  return agent.navigate(href);
}

/** Answers the WeChat stand-in's authorize page as the given person would. */
export function answerWechat(
  agent: UserAgent,
  authorizePage: Page,
  answer: { person: string; decision?: 'allow' | 'refuse'; snapshot?: boolean; stopAt?: string },
) {
  const { action, fields } = readForm(authorizePage.body, '/decide');
  return agent.navigate(new URL(action, authorizePage.url).href, {
    form: {
      ...fields,
      person: answer.person,
      decision: answer.decision ?? 'allow',
      ...(answer.snapshot ? { snapshot: '1' } : {}),
    },
    stopAt: answer.stopAt,
  });
}

/** The stable failure code an upstream failure page shows, e.g. `upstream_refused`. */
export function failureCode(page: Page): string | undefined {
  return page.body.match(/<small>(upstream_\w+|[a-z_]+)<\/small>/)?.[1];
}
