import * as oidc from 'openid-client';
import type { BenchApp } from './seed.js';

/** An app's openid-client configuration against an issuer, as a learning app would hold it. */
export async function appConfiguration(issuer: string, app: BenchApp): Promise<oidc.Configuration> {
  const { client_id, client_secret } = app.metadata;
  return oidc.discovery(
    new URL(issuer),
    client_id,
    undefined,
    oidc.ClientSecretBasic(String(client_secret)),
    { execute: [oidc.allowInsecureRequests] },
  );
}
