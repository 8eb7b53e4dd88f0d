import type { Locale, Translate } from '../i18n.js';
import { html, languageSwitchUrl, page } from './layout.js';

export type AccountPageModel = {
  locale: Locale;
  t: Translate;
  csrfToken: string;
  name: string | null;
  identities: Array<{
    id: number;
    label: string;
    maskedSubject: string;
    linkedAt: number;
    lastUsedAt: number | null;
    /** A unionid only backs up the WeChat openids, so it has no button of its own. */
    unlinkable: boolean;
  }>;
  /** Upstream providers to link; one that is down stays a greyed link a click retries. */
  linkable: Array<{ id: string; label: string; available: boolean }>;
  sessions: Array<{
    id: string;
    loginAt: number | null;
    apps: string[];
    current: boolean;
  }>;
  error?: string;
  notice?: string;
};

/** The parent's own page: ways to sign in (link, unlink) and hub sessions (end one). */
export function accountPage(model: AccountPageModel): string {
  const { t, csrfToken } = model;
  const when = dateFormat(model.locale);

  const identities = model.identities.map(
    (identity) =>
      html`<li class="card identity">
        <strong>${identity.label}</strong> <span>${identity.maskedSubject}</span><br />
        <small>${t('account.linkedAt', { when: when(identity.linkedAt) })}</small><br />
        <small
          >${
            identity.lastUsedAt
              ? t('account.lastUsed', { when: when(identity.lastUsedAt) })
              : t('account.neverUsed')
          }</small
        >
        ${
          identity.unlinkable
            ? html`<form method="post" action="/account/identities/${identity.id}/unlink">
                <input type="hidden" name="csrf" value="${csrfToken}" />
                <button type="submit" class="secondary">${t('account.unlink')}</button>
              </form>`
            : ''
        }
      </li>`,
  );

  const linkButtons = model.linkable.map(
    (provider) =>
      html`<a
        class="button${provider.available ? '' : ' unavailable'}"
        href="/login/${provider.id}/start?link=1"
        >${
          provider.available
            ? t('account.linkWith', { provider: provider.label })
            : t('login.unavailable', { provider: provider.label })
        }</a
      >`,
  );

  const sessions = model.sessions.map(
    (session) =>
      html`<li class="card session">
        ${session.current ? html`<strong>${t('account.thisBrowser')}</strong><br />` : ''}
        <small
          >${t('account.sessionStarted', { when: session.loginAt ? when(session.loginAt) : '' })}</small
        ><br />
        <small
          >${
            session.apps.length
              ? t('account.sessionApps', { apps: session.apps.join('、') })
              : t('account.sessionNoApps')
          }</small
        >
        <form method="post" action="/account/sessions/${session.id}/end">
          <input type="hidden" name="csrf" value="${csrfToken}" />
          <button type="submit" class="secondary">${t('account.endSession')}</button>
        </form>
      </li>`,
  );

  const body = html` <h1>${t('account.heading')}</h1>
    ${model.name ? html`<p>${model.name}</p>` : ''}
    ${model.error ? html`<p class="error" role="alert">${model.error}</p>` : ''}
    ${model.notice ? html`<p class="notice" role="status">${model.notice}</p>` : ''}
    <h2>${t('account.identities')}</h2>
    <ul style="list-style:none;padding:0" id="identities">
      ${identities}
    </ul>
    ${
      linkButtons.length
        ? html`<div class="card" id="link-another">
            <h2>${t('account.linkAnother')}</h2>
            ${linkButtons}
          </div>`
        : ''
    }
    <h2>${t('account.sessions')}</h2>
    <ul style="list-style:none;padding:0" id="sessions">
      ${sessions}
    </ul>
    <p><a href="/oidc/session/end">${t('account.signOut')}</a></p>`;

  return page({
    locale: model.locale,
    t,
    title: t('account.heading'),
    body,
    languageSwitchUrl: languageSwitchUrl('/account', model.locale),
  });
}

/** Dates as the parent reads them, in the district's time zone. */
function dateFormat(locale: Locale): (epochMs: number) => string {
  const format = new Intl.DateTimeFormat(locale, {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: 'Asia/Shanghai',
  });
  return (epochMs) => format.format(new Date(epochMs));
}
