import * as client from 'openid-client';
import type { Strategy } from 'openid-client/passport';
import type { ElearningOidcConfig } from '../../config/login-providers.js';
import type { Logger } from '../log.js';
import { elearningProfile, ElearningStrategy } from './elearning-strategy.js';
import {
  type Availability,
  callbackUrl,
  type ProviderLabel,
  type UpstreamProvider,
} from './login-provider.js';
import { UpstreamLoginError } from './upstream-login-error.js';

const LABEL: ProviderLabel = { 'zh-CN': 'E学网', en: 'E-learning-net' };
const RETRY = { firstMs: 5_000, maxMs: 5 * 60_000 };

/**
 * E-learning-net as an OpenID Connect upstream. The identity it gives is (`<provider id>`,
 * sub): `elearning` for the usual single instance; a second instance (another district's
 * E-learning-net) records its own id, so the same `sub` there is a different person.
 *
 * Discovery runs in the background: when the upstream is down at start the hub still starts,
 * the login page shows the button as unavailable, and discovery is retried with backoff and
 * on the next click.
 */
export function elearningOidcProvider(
  settings: ElearningOidcConfig,
  deps: { hubUrl: string; log: Logger; retry?: { firstMs: number; maxMs: number } },
): UpstreamProvider {
  const retry = deps.retry ?? RETRY;
  let strategy: Strategy | undefined;
  let lastProblem = 'not contacted yet';
  let pending: Promise<Strategy> | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let retryMs = retry.firstMs;
  let closed = false;

  async function discover(): Promise<Strategy> {
    const config = await discoverConfiguration(settings);
    const found = new ElearningStrategy(
      {
        config,
        name: settings.id,
        sessionKey: `oidc:${settings.id}`,
        callbackURL: callbackUrl(deps.hubUrl, settings.id),
        scope: settings.scope,
        passReqToCallback: false,
      },
      async (tokens, verified) => {
        try {
          const claims = tokens.claims();
          // A strict provider keeps profile claims out of the ID token; ask userinfo then.
          const userInfo =
            claims && claims.name === undefined && claims.phone_number === undefined
              ? await client.fetchUserInfo(config, tokens.access_token, claims.sub)
              : {};
          verified(null, elearningProfile(settings.id, { ...claims, ...userInfo }));
        } catch (error) {
          verified(error as Error);
        }
      },
    );
    deps.log.info({ provider: settings.id }, 'login.provider_ready');
    return found;
  }

  function attempt(): Promise<Strategy> {
    pending ??= discover()
      .then((found) => {
        strategy = found;
        clearTimeout(retryTimer);
        return found;
      })
      .catch((error: unknown) => {
        lastProblem = describe(error);
        deps.log.warn(
          { provider: settings.id, reason: lastProblem, retryInMs: retryMs },
          'login.provider_unavailable',
        );
        scheduleRetry();
        throw new UpstreamLoginError('unavailable', lastProblem);
      })
      .finally(() => {
        pending = undefined;
      });
    return pending;
  }

  function scheduleRetry() {
    if (closed || retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      attempt().catch(() => undefined);
    }, retryMs);
    retryTimer.unref();
    retryMs = Math.min(retryMs * 2, retry.maxMs);
  }

  attempt().catch(() => undefined);

  return {
    id: settings.id,
    kind: 'elearning-oidc',
    identityProvider: settings.id,
    label: settings.label ?? LABEL,
    allowSignup: settings.allowSignup,
    availability(): Availability {
      return strategy ? { available: true } : { available: false, reason: lastProblem };
    },
    async strategy() {
      return strategy ?? attempt();
    },
    close() {
      closed = true;
      clearTimeout(retryTimer);
    },
  };
}

/**
 * Reads the upstream's metadata and picks the client authentication it supports, preferring
 * client_secret_basic (the OAuth default) over client_secret_post.
 */
async function discoverConfiguration(settings: ElearningOidcConfig) {
  const issuer = new URL(settings.issuer);
  // Plain http is allowed only to this machine: the local stand-in of the demo and tests.
  const local = ['127.0.0.1', 'localhost', '[::1]'].includes(issuer.hostname);
  const timeout = Math.ceil(settings.timeoutMs / 1000);
  const discovered = await client.discovery(issuer, settings.clientId, undefined, client.None(), {
    timeout,
    execute: local ? [client.allowInsecureRequests] : [],
  });

  const metadata = discovered.serverMetadata();
  const supported = metadata.token_endpoint_auth_methods_supported ?? ['client_secret_basic'];
  let auth = client.None();
  if (settings.clientSecret) {
    if (supported.includes('client_secret_basic')) {
      auth = client.ClientSecretBasic(settings.clientSecret);
    } else if (supported.includes('client_secret_post')) {
      auth = client.ClientSecretPost(settings.clientSecret);
    } else {
      throw new Error(`upstream supports none of our client auth methods: ${supported.join()}`);
    }
  }

  const config = new client.Configuration(metadata, settings.clientId, undefined, auth);
  config.timeout = timeout;
  if (local) client.allowInsecureRequests(config);
  return config;
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: string } }).cause?.code;
  const message = error instanceof Error ? error.message : String(error);
  return cause ? `${message} (${cause})` : message;
}
