import type { KoaContextWithOIDC } from 'oidc-provider';
import Provider from 'oidc-provider';
import type { AccountStore } from '../accounts/account-store.js';
import type { HubConfig } from '../config.js';
import type { Knex } from '../db/knex.js';
import { type Locale, pickLocale, translator } from '../http/i18n.js';
import { Html, html } from '../http/pages/layout.js';
import { messagePage } from '../http/pages/message-page.js';
import type { Logger } from '../log.js';
import { createFindAccount } from './account-claims.js';
import { fetchWithAllowedAppHosts } from './app-fetch-guard.js';
import type { AppStore } from './app-store.js';
import { hubSecret } from './hub-secrets.js';
import { createKnexAdapter } from './knex-adapter.js';
import { loadSigningKeys } from './signing-keys.js';

export type { Provider };

type Deps = { config: HubConfig; knex: Knex; accounts: AccountStore; apps: AppStore; log: Logger };

export const OIDC_ROUTES = {
  authorization: '/oidc/auth',
  token: '/oidc/token',
  userinfo: '/oidc/me',
  jwks: '/oidc/jwks',
  introspection: '/oidc/token/introspection',
  revocation: '/oidc/token/revocation',
  end_session: '/oidc/session/end',
  pushed_authorization_request: '/oidc/request',
} as const;

function localeOf(ctx: KoaContextWithOIDC, fallback: Locale): Locale {
  const uiLocales = ctx.oidc?.params?.ui_locales;
  return pickLocale(
    [ctx.query.lang as string | undefined, ctx.cookies.get('hub_lang'), uiLocales as string],
    fallback,
  );
}

/**
 * Builds the hub's OpenID Provider. Everything it stores goes through the knex adapter, so
 * any hub process on the same database can serve any request.
 */
export async function createProvider({ config, knex, accounts, apps, log }: Deps) {
  const [jwks, cookieKey] = await Promise.all([
    loadSigningKeys(knex),
    hubSecret(knex, 'oidc-cookie-key'),
  ]);
  const hubHost = new URL(config.HUB_PUBLIC_URL).host;

  const provider = new Provider(config.HUB_PUBLIC_URL, {
    adapter: createKnexAdapter(knex, apps),
    findAccount: createFindAccount(accounts),
    jwks,
    routes: OIDC_ROUTES,
    responseTypes: ['code'],
    scopes: ['openid', 'profile', 'phone', 'offline_access'],
    claims: {
      openid: ['sub'],
      profile: ['name'],
      phone: ['phone_number', 'phone_number_verified'],
    },
    // Every app, confidential or public, must use PKCE (S256 is the only method offered).
    pkce: { required: () => true },
    clientDefaults: {
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: 'RS256',
    },
    extraClientMetadata: { properties: ['first_party'] },
    cookies: {
      keys: [cookieKey],
      long: { httpOnly: true, sameSite: 'lax', signed: true },
      short: { httpOnly: true, sameSite: 'lax', signed: true },
    },
    features: {
      devInteractions: { enabled: false },
      // An app may look at and revoke only its own tokens; resource servers that check other
      // apps' tokens will be registered explicitly when the hub's APIs need them.
      introspection: {
        enabled: true,
        allowedPolicy: async (_ctx, client, token) => token.clientId === client.clientId,
      },
      revocation: {
        enabled: true,
        allowedPolicy: async (_ctx, client, token) => token.clientId === client.clientId,
      },
      userinfo: { enabled: true },
      clientCredentials: { enabled: true },
      backchannelLogout: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx, form) => {
          const locale = localeOf(ctx, config.HUB_DEFAULT_LOCALE);
          const t = translator(locale);
          // oidc-provider's form carries its own CSRF token (xsrf); we add the buttons.
          const confirm = html`${new Html(form)}
            <button type="submit" form="op.logoutForm" name="logout" value="yes">
              ${t('logout.confirm')}
            </button>`;
          ctx.body = messagePage({
            locale,
            t,
            title: t('logout.heading'),
            message: t('logout.question'),
            extra: confirm,
          });
        },
        postLogoutSuccessSource: async (ctx) => {
          const locale = localeOf(ctx, config.HUB_DEFAULT_LOCALE);
          const t = translator(locale);
          ctx.body = messagePage({
            locale,
            t,
            title: t('logout.heading'),
            message: t('logout.done'),
          });
        },
      },
      // Resource indicators stay on (oidc-provider's default) but no resource server is
      // registered yet, so access tokens are opaque and checked by introspection.
    },
    interactions: {
      url: (_ctx, interaction) => `/interaction/${interaction.uid}`,
    },
    // First-party apps (the district's own) never show a consent page: the grant is made
    // for them; other apps get the consent page once and reuse the grant afterwards.
    loadExistingGrant: async (ctx) => {
      const client = ctx.oidc.client;
      const session = ctx.oidc.session;
      if (!client || !session?.accountId) return undefined;

      const grantId = ctx.oidc.result?.consent?.grantId ?? session.grantIdFor(client.clientId);
      const existing = grantId ? await ctx.oidc.provider.Grant.find(grantId) : undefined;
      if (!client.first_party) return existing;

      const grant =
        existing ??
        new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope([...ctx.oidc.requestParamScopes].join(' '));
      await grant.save();
      return grant;
    },
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    // Every refresh answers with a new refresh token; presenting a used one revokes the grant.
    rotateRefreshToken: true,
    ttl: {
      AuthorizationCode: 60,
      AccessToken: config.TOKEN_TTL_SECONDS,
      ClientCredentials: config.TOKEN_TTL_SECONDS,
      IdToken: 3600,
      Interaction: 3600,
      Grant: config.REFRESH_TOKEN_TTL_DAYS * 86_400,
      RefreshToken: config.REFRESH_TOKEN_TTL_DAYS * 86_400,
      Session: config.SESSION_TTL_DAYS * 86_400,
    },
    fetch: fetchWithAllowedAppHosts([hubHost, ...config.HUB_APP_HOSTS_ALLOWED]),
    renderError: async (ctx, out) => {
      const locale = localeOf(ctx, config.HUB_DEFAULT_LOCALE);
      const t = translator(locale);
      ctx.type = 'html';
      ctx.body = messagePage({
        locale,
        t,
        title: t('error.title'),
        message: String(out.error),
        detail: out.error_description ? String(out.error_description) : undefined,
      });
    },
  });

  provider.proxy = config.TRUST_PROXY !== false;

  provider.on('server_error', (_ctx, error) => log.error({ err: error }, 'oidc.server_error'));
  provider.on('backchannel.error', (client, error) =>
    log.warn({ err: error, clientId: client.clientId }, 'oidc.backchannel_logout_failed'),
  );
  provider.on('backchannel.success', (client) =>
    log.info({ clientId: client.clientId }, 'oidc.backchannel_logout_sent'),
  );

  return provider;
}
