import type { Request } from 'express';

/**
 * A passport strategy of any shape; passport calls `authenticate` with its own actions
 * (success, fail, redirect, error) bound to `this`.
 */
export type UpstreamStrategy = {
  name?: string;
  authenticate(this: never, req: Request, options: never): void;
};

export type ProviderLabel = { 'zh-CN': string; en: string };

export type Availability = { available: true } | { available: false; reason: string };

/** What an upstream vouches for after a successful login, before the linking rules run. */
export type UpstreamProfile = {
  /** Primary identity first, e.g. (elearning, sub) or (wechat:<appid>, openid). */
  identities: Array<{ provider: string; subject: string }>;
  name?: string;
  phone?: { number: string; verified: boolean };
};

type ProviderBase = {
  id: string;
  label: ProviderLabel;
  /** Whether an identity the hub does not know yet may create a new account. */
  allowSignup: boolean;
};

/** Phone + password and phone + SMS code: the hub's own forms on the login page. */
export type PhoneProvider = ProviderBase & { kind: 'phone' };

/**
 * A login provider the parent is sent away to: E-learning-net, WeChat. Its passport strategy
 * starts the login when called on the start route and verifies the answer on the callback
 * route, handing an `UpstreamProfile` to passport's success.
 */
export type UpstreamProvider = ProviderBase & {
  kind: 'elearning-oidc' | 'wechat-oauth';
  /** The identity provider of the primary identities it gives, e.g. `wechat:<appid>`. */
  identityProvider: string;
  availability(): Availability;
  /** The strategy once the provider is ready; throws UpstreamLoginError('unavailable'). */
  strategy(): Promise<UpstreamStrategy>;
  close(): void;
};

export type LoginProvider = PhoneProvider | UpstreamProvider;

/** Where a provider's callback lives; registered with the upstream as the redirect URI. */
export function callbackUrl(hubUrl: string, providerId: string): string {
  return `${hubUrl}/login/${providerId}/callback`;
}
