import type { Locale, MessageKey, Translate } from '../i18n.js';
import { html, languageSwitchUrl, page } from './layout.js';

const KNOWN_SCOPES = new Set(['openid', 'profile', 'phone', 'offline_access']);

/** Asks a parent once whether a third-party app may see what it requested. */
export function consentPage(model: {
  locale: Locale;
  t: Translate;
  uid: string;
  appName: string;
  scopes: string[];
  csrfToken: string;
}): string {
  const { t } = model;
  const base = `/interaction/${encodeURIComponent(model.uid)}`;
  const items = model.scopes
    .filter((scope) => KNOWN_SCOPES.has(scope))
    .map((scope) => html`<li>${t(`scope.${scope}` as MessageKey)}</li>`);

  const body = html` <h1>${t('consent.heading')}</h1>
    <form class="card" method="post" action="${base}/consent">
      <p>${t('consent.intro', { app: model.appName })}</p>
      <ul>
        ${items}
      </ul>
      <input type="hidden" name="csrf" value="${model.csrfToken}" />
      <button type="submit" name="decision" value="allow">${t('consent.allow')}</button>
      <button type="submit" name="decision" value="deny" class="secondary">
        ${t('consent.deny')}
      </button>
    </form>`;

  return page({
    locale: model.locale,
    t,
    title: t('consent.heading'),
    body,
    languageSwitchUrl: languageSwitchUrl(base, model.locale),
  });
}
