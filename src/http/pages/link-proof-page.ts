import type { Locale, Translate } from '../i18n.js';
import { html, languageSwitchUrl, page } from './layout.js';

export type LinkProofPageModel = {
  locale: Locale;
  t: Translate;
  uid: string;
  csrfToken: string;
  /** The label of the provider the parent just signed in with. */
  pendingProvider: string;
  /** The existing account's phone, masked: +86 138****8000. */
  maskedPhone: string;
  /** The existing account's other login providers the parent may prove ownership with. */
  providers: Array<{ id: string; label: string; available: boolean }>;
  /** The existing account has a password, which proves it as well as a code does. */
  withPassword: boolean;
  smsSent?: boolean;
  error?: string;
  notice?: string;
};

/**
 * Asks a parent whose verified phone already belongs to a hub account to prove that account
 * is theirs (an SMS code to its phone, its password, or a login with one of its providers)
 * before the new
 * provider is linked to it, or to create a separate account instead.
 */
export function linkProofPage(model: LinkProofPageModel): string {
  const { t, csrfToken } = model;
  const base = `/interaction/${encodeURIComponent(model.uid)}`;
  const phone = model.maskedPhone;

  // A provider that is down stays a greyed link: a click retries it and explains if it is not.
  const providerLinks = model.providers.map(
    (provider) =>
      html`<p>
        <a
          class="button${provider.available ? '' : ' unavailable'}"
          href="/login/${provider.id}/start?interaction=${encodeURIComponent(model.uid)}"
          >${
            provider.available
              ? t('link.byProvider', { provider: provider.label })
              : t('login.unavailable', { provider: provider.label })
          }</a
        >
      </p>`,
  );

  const body = html` <h1>${t('link.heading')}</h1>
    <p>${t('link.intro', { provider: model.pendingProvider, phone })}</p>
    ${model.error ? html`<p class="error" role="alert">${model.error}</p>` : ''}
    ${model.notice ? html`<p class="notice" role="status">${model.notice}</p>` : ''}
    <div class="card" id="prove-by-sms">
      <h2>${t('link.smsHeading')}</h2>
      <form method="post" action="${base}/link/sms/send">
        <input type="hidden" name="csrf" value="${csrfToken}" />
        <button type="submit" class="secondary">${t('link.sendCode', { phone })}</button>
      </form>
      ${
        model.smsSent
          ? html`<form method="post" action="${base}/link/sms/verify">
              <input type="hidden" name="csrf" value="${csrfToken}" />
              <label for="link-code">${t('login.code')}</label>
              <input
                id="link-code"
                name="code"
                inputmode="numeric"
                autocomplete="one-time-code"
                pattern="[0-9]{6}"
                maxlength="6"
                required
              />
              <button type="submit">${t('link.verify')}</button>
            </form>`
          : ''
      }
    </div>
    ${
      model.withPassword
        ? html`<form
            class="card"
            method="post"
            action="${base}/link/password"
            id="prove-by-password"
          >
            <h2>${t('link.passwordHeading')}</h2>
            <input type="hidden" name="csrf" value="${csrfToken}" />
            <label for="link-password">${t('login.password')}</label>
            <input
              id="link-password"
              name="password"
              type="password"
              autocomplete="current-password"
              required
            />
            <button type="submit">${t('link.verify')}</button>
          </form>`
        : ''
    }
    ${
      providerLinks.length
        ? html`<div class="card" id="prove-by-login">
            <h2>${t('link.providerHeading')}</h2>
            ${providerLinks}
          </div>`
        : ''
    }
    <form class="card" method="post" action="${base}/link/separate" id="separate-account">
      <h2>${t('link.separateHeading')}</h2>
      <p>${t('link.separateIntro', { phone })}</p>
      <input type="hidden" name="csrf" value="${csrfToken}" />
      <button type="submit" class="secondary">${t('link.separate')}</button>
    </form>
    <p><a href="${base}/abort">${t('login.cancel')}</a></p>`;

  return page({
    locale: model.locale,
    t,
    title: t('link.heading'),
    body,
    languageSwitchUrl: languageSwitchUrl(`${base}/link`, model.locale),
  });
}
