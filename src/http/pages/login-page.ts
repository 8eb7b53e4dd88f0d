import type { Locale, Translate } from '../i18n.js';
import { type Html, html, languageSwitchUrl, page } from './layout.js';

export type LoginPageModel = {
  locale: Locale;
  t: Translate;
  uid: string;
  appName: string;
  csrfToken: string;
  phone?: string;
  error?: string;
  notice?: string;
  smsSent?: boolean;
  /** Whether the phone forms are offered (the phone login provider is configured). */
  phoneLogin?: boolean;
  /** The upstream login providers, each a button; unavailable ones greyed with the reason. */
  providers?: Array<{ id: string; label: string; available: boolean; reason?: string }>;
};

/** The hub's login page: phone + password, phone + SMS code, and a button per upstream. */
export function loginPage(model: LoginPageModel): string {
  const { t, uid } = model;
  const base = `/interaction/${encodeURIComponent(uid)}`;
  const phone = model.phone ?? '';

  const body = html` <h1>${t('login.heading')}</h1>
    <p>${t('login.intro')}</p>
    <p><small>${t('login.forApp', { app: model.appName })}</small></p>
    ${model.error ? html`<p class="error" role="alert">${model.error}</p>` : ''}
    ${model.notice ? html`<p class="notice" role="status">${model.notice}</p>` : ''}
    ${model.phoneLogin === false ? '' : phoneForms(model, base, phone)} ${upstreamButtons(model)}
    <p><a href="${base}/abort">${t('login.cancel')}</a></p>`;

  return page({
    locale: model.locale,
    t,
    title: t('login.heading'),
    body,
    languageSwitchUrl: languageSwitchUrl(base, model.locale),
  });
}

function upstreamButtons(model: LoginPageModel): Html | string {
  const { t, uid } = model;
  const providers = model.providers ?? [];
  if (providers.length === 0) return '';

  // An unavailable provider stays a link, greyed: a click retries it and explains if it is
  // still down.
  const buttons = providers.map(
    (provider) =>
      html`<a
        class="button${provider.available ? '' : ' unavailable'}"
        id="login-${provider.id}"
        href="/login/${provider.id}/start?interaction=${encodeURIComponent(uid)}"
        >${
          provider.available
            ? t('login.with', { provider: provider.label })
            : t('login.unavailable', { provider: provider.label })
        }</a
      >`,
  );
  return html`<div class="card" id="upstream-login">
    <h2>${t('login.otherWays')}</h2>
    ${buttons}
  </div>`;
}

function phoneForms(model: LoginPageModel, base: string, phone: string): Html {
  const { t, csrfToken } = model;
  return html`<form class="card" method="post" action="${base}/password" id="password-login">
      <h2>${t('login.withPassword')}</h2>
      <input type="hidden" name="csrf" value="${csrfToken}" />
      <label for="pw-phone">${t('login.phone')}</label>
      <input
        id="pw-phone"
        name="phone"
        type="tel"
        autocomplete="username"
        required
        value="${phone}"
      />
      <label for="pw-password">${t('login.password')}</label>
      <input
        id="pw-password"
        name="password"
        type="password"
        autocomplete="current-password"
        required
      />
      <button type="submit">${t('login.submit')}</button>
    </form>
    <div class="card" id="sms-login">
      <h2>${t('login.withSms')}</h2>
      <form method="post" action="${base}/sms/send">
        <input type="hidden" name="csrf" value="${csrfToken}" />
        <label for="sms-phone">${t('login.phone')}</label>
        <input
          id="sms-phone"
          name="phone"
          type="tel"
          autocomplete="tel"
          required
          value="${phone}"
        />
        <button type="submit" class="secondary">${t('login.sendCode')}</button>
      </form>
      ${
        model.smsSent
          ? html`<form method="post" action="${base}/sms/verify">
              <input type="hidden" name="csrf" value="${csrfToken}" />
              <input type="hidden" name="phone" value="${phone}" />
              <label for="sms-code">${t('login.code')}</label>
              <input
                id="sms-code"
                name="code"
                inputmode="numeric"
                autocomplete="one-time-code"
                pattern="[0-9]{6}"
                maxlength="6"
                required
              />
              <button type="submit">${t('login.submit')}</button>
            </form>`
          : ''
      }
    </div>`;
}
