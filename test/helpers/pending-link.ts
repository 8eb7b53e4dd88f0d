import { createHmac, randomBytes } from 'node:crypto';
import type { VerifiedIdentity } from '../../src/accounts/link-rules.js';
import { WEB_SESSION_COOKIE } from '../../src/http/web-session.js';
import { hubSecret } from '../../src/oidc/hub-secrets.js';
import type { TestHub } from './test-hub.js';
import type { UserAgent } from './user-agent.js';

/**
 * Leaves `identity` in the browser's hub session as `pendingLink`, exactly where the upstream
 * callback leaves an identity whose verified phone belongs to an existing account: a row in
 * `web_sessions` and express-session's signed cookie (`s:<sid>.<HMAC-SHA256, base64>`).
 * For proof-page tests that do not need an upstream server to get there.
 */
export async function leavePendingLink(
  hub: TestHub,
  agent: UserAgent,
  identity: VerifiedIdentity,
): Promise<void> {
  const sid = randomBytes(24).toString('base64url');
  const expires = new Date(Date.now() + 3_600_000);
  const data = {
    cookie: { originalMaxAge: 3_600_000, expires, httpOnly: true, path: '/', sameSite: 'lax' },
    pendingLink: identity,
  };
  await hub.hub
    .knex('web_sessions')
    .insert({ sid, data: JSON.stringify(data), expires_at: expires.getTime() });

  const secret = await hubSecret(hub.hub.knex, 'session-key');
  const signature = createHmac('sha256', secret).update(sid).digest('base64').replace(/=+$/, '');
  agent
    .cookies(new URL(hub.url).host)
    .set(WEB_SESSION_COOKIE, encodeURIComponent(`s:${sid}.${signature}`));
}
