import { randomBytes } from 'node:crypto';
import type { AdapterPayload, ClientMetadata } from 'oidc-provider';
import type { Knex } from '../db/knex.js';

export type NewApp = {
  name: string;
  redirectUris: string[];
  postLogoutRedirectUris?: string[];
  backchannelLogoutUri?: string;
  isPublic?: boolean;
  firstParty?: boolean;
  clientId?: string;
};

export type AppSummary = {
  clientId: string;
  name: string;
  firstParty: boolean;
  isPublic: boolean;
  redirectUris: string[];
  grantTypes: string[];
};

export const APP_SCOPES = 'openid profile phone offline_access';

/**
 * Turns the options of `hub apps add` into OpenID client metadata. An app with redirect URIs
 * signs people in (code flow + refresh); a confidential app may also call the hub's APIs with
 * the client credentials grant; an app without redirect URIs is a machine app only.
 */
export function buildClientMetadata(app: NewApp): ClientMetadata {
  const clientId = app.clientId ?? randomBytes(12).toString('base64url');
  const signsPeopleIn = app.redirectUris.length > 0;
  const grantTypes = [
    ...(signsPeopleIn ? ['authorization_code', 'refresh_token'] : []),
    ...(app.isPublic ? [] : ['client_credentials']),
  ];

  return {
    client_id: clientId,
    client_name: app.name,
    ...(app.isPublic
      ? { token_endpoint_auth_method: 'none' }
      : {
          client_secret: randomBytes(32).toString('base64url'),
          token_endpoint_auth_method: 'client_secret_basic',
        }),
    redirect_uris: app.redirectUris,
    post_logout_redirect_uris: app.postLogoutRedirectUris ?? [],
    response_types: signsPeopleIn ? ['code'] : [],
    grant_types: grantTypes,
    scope: APP_SCOPES,
    ...(app.backchannelLogoutUri
      ? {
          backchannel_logout_uri: app.backchannelLogoutUri,
          backchannel_logout_session_required: true,
        }
      : {}),
    first_party: Boolean(app.firstParty),
  };
}

// Every authorization, token and interaction request looks its app up; a few seconds of
// memory halve the queries of a token grant. A change made by `hub apps` reaches running
// processes within this delay.
const CACHE_MS = 5_000;

export class AppStore {
  private readonly cache = new Map<string, { until: number; metadata: AdapterPayload }>();

  constructor(private readonly knex: Knex) {}

  async clientMetadata(clientId: string): Promise<AdapterPayload | undefined> {
    const cached = this.cache.get(clientId);
    if (cached && cached.until > Date.now()) return structuredClone(cached.metadata);

    const row = await this.knex('apps').where({ client_id: clientId }).first('metadata');
    if (!row) return undefined;
    const metadata = JSON.parse(row.metadata) as AdapterPayload;
    this.cache.set(clientId, { until: Date.now() + CACHE_MS, metadata });
    return structuredClone(metadata);
  }

  async insert(metadata: ClientMetadata): Promise<void> {
    await this.knex('apps').insert(this.toRow(metadata));
  }

  async insertIfAbsent(metadata: ClientMetadata): Promise<void> {
    await this.knex('apps').insert(this.toRow(metadata)).onConflict('client_id').ignore();
  }

  private toRow(metadata: ClientMetadata) {
    return {
      client_id: metadata.client_id,
      name: metadata.client_name,
      first_party: Boolean(metadata.first_party),
      metadata: JSON.stringify(metadata),
      created_at: Date.now(),
    };
  }

  async replaceMetadata(metadata: ClientMetadata): Promise<void> {
    this.cache.delete(metadata.client_id);
    await this.knex('apps')
      .where({ client_id: metadata.client_id })
      .update({ name: metadata.client_name, metadata: JSON.stringify(metadata) });
  }

  async list(): Promise<AppSummary[]> {
    const rows = await this.knex('apps').orderBy('created_at').select('metadata');
    return rows.map((row) => {
      const metadata = JSON.parse(row.metadata) as ClientMetadata;
      return {
        clientId: metadata.client_id,
        name: String(metadata.client_name),
        firstParty: Boolean(metadata.first_party),
        isPublic: metadata.token_endpoint_auth_method === 'none',
        redirectUris: [...(metadata.redirect_uris ?? [])],
        grantTypes: [...(metadata.grant_types ?? [])],
      };
    });
  }
}
