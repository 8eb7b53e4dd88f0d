import * as client from 'openid-client';
import { HubError } from '../http/errors.js';

/**
 * Why an upstream login did not give a verified identity. Each reason has its own page text
 * (`upstream.<reason>` in i18n) telling the parent what to do next.
 */
export type UpstreamFailure =
  | 'refused'
  | 'state_mismatch'
  | 'code_invalid'
  | 'upstream_error'
  | 'timeout'
  | 'snapshot_user'
  | 'unavailable';

const STATUS: Record<UpstreamFailure, number> = {
  refused: 403,
  state_mismatch: 400,
  code_invalid: 400,
  upstream_error: 502,
  timeout: 504,
  snapshot_user: 403,
  unavailable: 503,
};

export class UpstreamLoginError extends HubError {
  constructor(
    readonly reason: UpstreamFailure,
    message: string,
    /** What the upstream said, safe to show and log: an errcode, an OAuth error code. */
    readonly detail?: string,
  ) {
    super(STATUS[reason], `upstream_${reason}`, message);
  }
}

/**
 * Translates what openid-client throws while verifying an upstream's answer: the one place
 * that knows its error classes. Anything unexpected counts as an upstream error and is
 * logged with its cause by the caller.
 */
export function translateOidcError(error: unknown): UpstreamLoginError {
  if (error instanceof client.AuthorizationResponseError) {
    const reason = error.error === 'access_denied' ? 'refused' : 'upstream_error';
    return new UpstreamLoginError(reason, 'the upstream answered with an error', error.error);
  }
  if (error instanceof client.ResponseBodyError) {
    const reason = error.error === 'invalid_grant' ? 'code_invalid' : 'upstream_error';
    return new UpstreamLoginError(reason, 'the upstream refused the code', error.error);
  }
  // openid-client wraps oauth4webapi's error, whose message names the failed check.
  const messages = causes(error).map((cause) => (cause as Error).message ?? String(cause));
  if (messages.some((message) => /"state"|"nonce"/.test(message))) {
    return new UpstreamLoginError('state_mismatch', 'state or nonce did not match');
  }
  if (isTimeout(error)) return new UpstreamLoginError('timeout', 'the upstream did not answer');
  return new UpstreamLoginError('upstream_error', 'the upstream answer could not be verified');
}

/** A strategy's `fail(info)`: openid-client fails without session state, or on access_denied. */
export function fromFailureInfo(info: unknown): UpstreamLoginError {
  const details = (info ?? {}) as { message?: string; error?: string };
  if (details.error === 'access_denied') {
    return new UpstreamLoginError('refused', 'the parent refused', details.error);
  }
  return new UpstreamLoginError('state_mismatch', details.message ?? 'authentication failed');
}

function isTimeout(error: unknown): boolean {
  return causes(error).some((cause) => ['TimeoutError', 'AbortError'].includes(cause.name));
}

function causes(error: unknown): Error[] {
  const chain: Error[] = [];
  for (let current = error; current instanceof Error; current = current.cause) chain.push(current);
  return chain;
}
