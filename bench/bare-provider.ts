import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { type ClientMetadata } from 'oidc-provider';

/**
 * The baseline: a bare oidc-provider with its default in-memory adapter, in its own process,
 * configured like the hub where the measured grants look (RS256 RSA-2048 ID tokens, PKCE,
 * rotating refresh tokens, same token lifetimes, same client metadata).
 */
const clients = JSON.parse(process.env.BENCH_CLIENTS ?? '[]') as ClientMetadata[];
const scope = 'openid profile phone';

const server = createServer();
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });

const provider = new Provider(issuer, {
  clients,
  jwks: { keys: [{ ...(await exportJWK(privateKey)), kid: 'bench', alg: 'RS256', use: 'sig' }] },
  cookies: { keys: [randomUUID()] },
  findAccount: async (_ctx, sub) => ({
    accountId: sub,
    claims: async () => ({
      sub,
      name: 'Bench parent',
      phone_number: '+8613700000000',
      phone_number_verified: true,
    }),
  }),
  responseTypes: ['code'],
  scopes: ['openid', 'profile', 'phone', 'offline_access'],
  claims: { openid: ['sub'], profile: ['name'], phone: ['phone_number', 'phone_number_verified'] },
  pkce: { required: () => true },
  extraClientMetadata: { properties: ['first_party'] },
  features: { clientCredentials: { enabled: true }, devInteractions: { enabled: false } },
  issueRefreshToken: async () => true,
  rotateRefreshToken: true,
  ttl: {
    AccessToken: 3600,
    ClientCredentials: 3600,
    IdToken: 3600,
    Grant: 30 * 86_400,
    RefreshToken: 30 * 86_400,
    Session: 14 * 86_400,
  },
});
server.on('request', provider.callback());

/**
 * What a hub password login leaves behind, saved straight through the provider's models: a
 * grant, a session that holds it, and a session-bound refresh token (no offline_access), so a
 * refresh here does the same lookups as on the hub.
 */
async function mintRefreshToken(clientId: string, index: number): Promise<string> {
  const client = await provider.Client.find(clientId);
  if (!client) throw new Error(`unknown client ${clientId}`);
  const accountId = `bench-parent-${index}`;
  const now = Math.floor(Date.now() / 1000);

  const grant = new provider.Grant({ accountId, clientId });
  grant.addOIDCScope(scope);
  const grantId = await grant.save();

  const sid = randomUUID();
  // The typings omit the Session model's payload and ttl arguments, which it takes.
  const SessionModel = provider.Session as unknown as new (payload: Record<string, unknown>) => {
    uid: string;
    save(ttl: number): Promise<string>;
  };
  const session = new SessionModel({
    accountId,
    loginTs: now,
    amr: ['pwd'],
    authorizations: { [clientId]: { sid, grantId } },
  });
  await session.save(14 * 86_400);

  const refreshToken = new provider.RefreshToken({
    accountId,
    client,
    grantId,
    scope,
    gty: 'authorization_code',
    expiresWithSession: true,
    sessionUid: session.uid,
    sid,
    authTime: now,
    amr: ['pwd'],
  });
  return refreshToken.save();
}

// Minted on request, right before each round: the in-memory adapter is an LRU of 1,000
// entries, so tokens minted at start would be evicted by the first round's traffic.
const firstClient = clients.find((client) => client.grant_types?.includes('refresh_token'));
let minted = 0;
process.on('message', async (message: { mint: number }) => {
  const refreshTokens: string[] = [];
  for (let count = 0; firstClient && count < message.mint; count++) {
    refreshTokens.push(await mintRefreshToken(firstClient.client_id, minted++));
  }
  process.send?.({ refreshTokens });
});

process.once('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
process.send?.({ url: issuer });
