import type { Locale, MessageKey, Translate } from '../http/i18n.js';
import { html } from '../http/pages/layout.js';
import { messagePage } from '../http/pages/message-page.js';
import type { ProviderLabel } from './login-provider.js';
import type { UpstreamLoginError } from './upstream-login-error.js';

/** Why an upstream login did not finish, in words the parent can act on, and a way back. */
export function upstreamFailurePage(model: {
  locale: Locale;
  t: Translate;
  failure: UpstreamLoginError;
  providerLabel?: ProviderLabel;
  /** Replaces the upstream failure's text and code, e.g. for a linking-rule refusal. */
  message?: string;
  code?: string;
  backTo?: string;
}): string {
  const { t, failure } = model;
  const provider = model.providerLabel?.[model.locale] ?? '';
  const key = `upstream.${failure.reason}` as MessageKey;
  return messagePage({
    locale: model.locale,
    t,
    title: provider ? t('upstream.title', { provider }) : t('error.title'),
    message: model.message ?? t(key, { provider, detail: failure.detail ?? failure.code }),
    detail: model.code ?? failure.code,
    extra: model.backTo
      ? html`<p><a href="${model.backTo}">${t('login.backToLogin')}</a></p>`
      : undefined,
  });
}
