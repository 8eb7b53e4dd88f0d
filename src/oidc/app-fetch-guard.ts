/**
 * oidc-provider refuses outgoing calls (back-channel logout, jwks_uri…) to loopback and
 * private addresses, an SSRF guard it applies through an undici dispatcher it passes in
 * `options.dispatcher`. The district's apps live on a private network, so instead of turning
 * the guard off we lift it only for the app hosts an operator listed.
 */
export function fetchWithAllowedAppHosts(allowedHosts: string[]) {
  const allowed = new Set(allowedHosts.map((host) => host.toLowerCase()));

  return (input: string | URL | Request, init?: RequestInit) => {
    const options = (init ?? {}) as RequestInit & { dispatcher?: unknown };
    const target = new URL(input instanceof Request ? input.url : String(input));
    if (allowed.has(target.host.toLowerCase()) || allowed.has(target.hostname.toLowerCase())) {
      const { dispatcher: _guard, ...unguarded } = options;
      return fetch(target, unguarded);
    }
    return fetch(target, options);
  };
}
