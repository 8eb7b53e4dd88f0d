import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Request, type Response } from 'express';
import Provider, { type KoaContextWithOIDC } from 'oidc-provider';
import { translator } from '../http/i18n.js';
import { html, page } from '../http/pages/layout.js';

/** A person with an account at the stand-in E-learning-net. */
export type UpstreamPerson = {
  sub: string;
  name?: string;
  phone_number?: string;
  phone_number_verified?: boolean;
};

export type UpstreamClient = { clientId: string; clientSecret: string; redirectUris: string[] };

export type UpstreamOidc = {
  url: string;
  provider: Provider;
  people: Map<string, UpstreamPerson>;
  server: Server;
  close(): Promise<void>;
};

/**
 * A local E-learning-net: a real OpenID Provider (oidc-provider) on 127.0.0.1 with its own
 * minimal login page where one picks who to be. Claims go to userinfo only, as on a strict
 * provider, so the hub must fetch them there. Used by the tests and the demo.
 */
export async function startUpstreamOidc(options: {
  port?: number;
  clients: UpstreamClient[];
  people: UpstreamPerson[];
  /** How clients authenticate at the token endpoint; the only method the upstream offers. */
  clientAuth?: 'client_secret_basic' | 'client_secret_post';
}): Promise<UpstreamOidc> {
  const clientAuth = options.clientAuth ?? 'client_secret_basic';
  const app = express();
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const people = new Map(options.people.map((person) => [person.sub, person]));

  const provider = new Provider(url, {
    clients: options.clients.map((client) => ({
      client_id: client.clientId,
      client_secret: client.clientSecret,
      redirect_uris: client.redirectUris,
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: clientAuth,
    })),
    clientAuthMethods: [clientAuth],
    scopes: ['openid', 'profile', 'phone'],
    claims: {
      openid: ['sub'],
      profile: ['name'],
      phone: ['phone_number', 'phone_number_verified'],
    },
    pkce: { required: () => true },
    features: { devInteractions: { enabled: false }, userinfo: { enabled: true } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    findAccount: async (_ctx, sub) => {
      const person = people.get(sub);
      if (!person) return undefined;
      return { accountId: sub, claims: async () => ({ ...person }) };
    },
    // The hub is E-learning-net's own partner: it is never asked for consent.
    loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
      const { client, session } = ctx.oidc;
      if (!client || !session?.accountId) return undefined;
      const grant = new ctx.oidc.provider.Grant({
        clientId: client.clientId,
        accountId: session.accountId,
      });
      grant.addOIDCScope([...ctx.oidc.requestParamScopes].join(' '));
      await grant.save();
      return grant;
    },
  });

  app.get('/interaction/:uid', async (req, res) => {
    const details = await provider.interactionDetails(req, res).catch(() => undefined);
    if (!details) {
      res.status(400).type('text').send('interaction expired');
      return;
    }
    res.type('html').send(loginPage(String(req.params.uid), [...people.values()]));
  });

  app.post(
    '/interaction/:uid/login',
    express.urlencoded({ extended: false }),
    async (req: Request, res: Response) => {
      const sub = String(req.body.sub ?? '');
      const result = people.has(sub)
        ? { login: { accountId: sub } }
        : { error: 'access_denied', error_description: 'the person refused or is unknown' };
      await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
    },
  );

  app.use(provider.callback());

  return {
    url,
    provider,
    people,
    server,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function loginPage(uid: string, people: UpstreamPerson[]): string {
  const t = translator('zh-CN');
  const options = people.map(
    (person) => html`<option value="${person.sub}">${person.name ?? person.sub}</option>`,
  );
  const body = html`<h1>E学网登录（本地模拟）</h1>
    <form class="card" method="post" action="/interaction/${uid}/login">
      <input type="hidden" name="uid" value="${uid}" />
      <label for="sub">以谁的身份登录 · Sign in as</label>
      <select id="sub" name="sub">
        ${options}
      </select>
      <button type="submit">登录 Sign in</button>
      <button type="submit" name="sub" value="" class="secondary">拒绝 Refuse</button>
    </form>`;
  return page({ locale: 'zh-CN', t, title: 'E学网', body });
}
