import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Request, type Response } from 'express';
import { html, page } from '../http/pages/layout.js';
import { translator } from '../http/i18n.js';

/** One official account known to the stand-in; `unionid` when bound to an open platform. */
export type StandinApp = { appId: string; appSecret: string; unionid: boolean };

type IssuedCode = {
  appId: string;
  person: string;
  scope: string;
  snapshot: boolean;
  used: boolean;
  expiresAt: number;
};

const CODE_TTL_MS = 5 * 60_000;

/**
 * A local stand-in for WeChat's web OAuth (official account pages) that speaks its documented
 * protocol: the authorize page, `sns/oauth2/access_token` with its errcode answers (40029
 * invalid code, 40163 code already used, 40125 wrong secret), `sns/userinfo`, snapshot users
 * and unionids. Openids differ per app id and unionids are per person, as on WeChat. It lets
 * the tests and the demo sign in "with WeChat" without WeChat.
 */
export class WechatStandin {
  /** Extra wait before each API answer, to make the hub time out. */
  delayMs = 0;
  /** The next access_token call answers this errcode instead (then it is cleared). */
  failNextTokenWith: { errcode: number; errmsg: string } | undefined;
  /** Every code the hub presented, and every access token handed out, in order. */
  readonly tokenCalls: string[] = [];
  readonly accessTokens: string[] = [];
  private readonly codes = new Map<string, IssuedCode>();
  private readonly tokens = new Map<string, { appId: string; person: string }>();

  constructor(readonly apps: StandinApp[]) {}

  openidOf(appId: string, person: string): string {
    return `o${digest(`${appId}:${person}`)}`;
  }

  unionidOf(person: string): string {
    return `u${digest(`union:${person}`)}`;
  }

  router(): express.Router {
    const router = express.Router();
    router.get('/connect/oauth2/authorize', (req, res) => this.authorizePage(req, res));
    router.post(
      '/connect/oauth2/authorize/decide',
      express.urlencoded({ extended: false }),
      (req, res) => this.decide(req, res),
    );
    router.get('/sns/oauth2/access_token', (req, res) => {
      this.answerLater(res, () => this.accessToken(req));
    });
    router.get('/sns/userinfo', (req, res) => {
      this.answerLater(res, () => this.userInfo(req));
    });
    return router;
  }

  private authorizePage(req: Request, res: Response) {
    const query = req.query as Record<string, string | undefined>;
    const app = this.apps.find((candidate) => candidate.appId === query.appid);
    const validScope = query.scope === 'snsapi_base' || query.scope === 'snsapi_userinfo';
    if (!app || query.response_type !== 'code' || !validScope || !query.redirect_uri) {
      res.status(400).type('text').send('10003 redirect_uri/appid/scope 参数错误');
      return;
    }

    const t = translator('zh-CN');
    const hidden = (['appid', 'redirect_uri', 'scope', 'state'] as const).map(
      (name) => html`<input type="hidden" name="${name}" value="${query[name] ?? ''}" />`,
    );
    const body = html`<h1>微信授权（本地模拟）</h1>
      <form class="card" method="post" action="/connect/oauth2/authorize/decide">
        ${hidden}
        <p>应用 ${app.appId} 申请获得你的公开信息（昵称、头像）。</p>
        <label for="person">模拟的微信用户 · WeChat user to act as</label>
        <input id="person" name="person" value="demo-parent" required />
        <label
          ><input type="checkbox" name="snapshot" value="1" style="width:auto" />
          快照页用户（虚拟账号）· snapshot user</label
        >
        <button type="submit" name="decision" value="allow">允许 Allow</button>
        <button type="submit" name="decision" value="refuse" class="secondary">拒绝 Refuse</button>
      </form>`;
    res.type('html').send(page({ locale: 'zh-CN', t, title: '微信授权', body }));
  }

  private decide(req: Request, res: Response) {
    const form = req.body as Record<string, string | undefined>;
    const app = this.apps.find((candidate) => candidate.appId === form.appid);
    if (!app || !form.redirect_uri) {
      res.status(400).type('text').send('10003 redirect_uri 参数错误');
      return;
    }

    const back = new URL(form.redirect_uri);
    // WeChat returns to the app on refusal too, with the state and without a code.
    if (form.decision === 'allow') {
      const code = randomBytes(16).toString('hex');
      this.codes.set(code, {
        appId: app.appId,
        person: form.person || 'demo-parent',
        scope: form.scope ?? 'snsapi_base',
        snapshot: form.snapshot === '1',
        used: false,
        expiresAt: Date.now() + CODE_TTL_MS,
      });
      back.searchParams.set('code', code);
    }
    if (form.state) back.searchParams.set('state', form.state);
    res.redirect(302, back.href);
  }

  private accessToken(req: Request): Record<string, unknown> {
    const query = req.query as Record<string, string | undefined>;
    this.tokenCalls.push(query.code ?? '');
    const app = this.apps.find((candidate) => candidate.appId === query.appid);
    if (!app) return { errcode: 40013, errmsg: 'invalid appid' };
    if (query.secret !== app.appSecret) return { errcode: 40125, errmsg: 'invalid appsecret' };
    if (query.grant_type !== 'authorization_code') {
      return { errcode: 40002, errmsg: 'invalid grant_type' };
    }
    if (this.failNextTokenWith) {
      const failure = this.failNextTokenWith;
      this.failNextTokenWith = undefined;
      return failure;
    }

    const issued = this.codes.get(query.code ?? '');
    if (!issued || issued.appId !== app.appId || issued.expiresAt < Date.now()) {
      return { errcode: 40029, errmsg: 'invalid code' };
    }
    if (issued.used) return { errcode: 40163, errmsg: 'code been used' };
    issued.used = true;

    const accessToken = randomBytes(24).toString('hex');
    this.tokens.set(accessToken, { appId: app.appId, person: issued.person });
    this.accessTokens.push(accessToken);
    return {
      access_token: accessToken,
      expires_in: 7200,
      refresh_token: randomBytes(24).toString('hex'),
      openid: this.openidOf(app.appId, issued.person),
      scope: issued.scope,
      ...(issued.snapshot ? { is_snapshotuser: 1 } : {}),
      ...(app.unionid && issued.scope === 'snsapi_userinfo'
        ? { unionid: this.unionidOf(issued.person) }
        : {}),
    };
  }

  private userInfo(req: Request): Record<string, unknown> {
    const query = req.query as Record<string, string | undefined>;
    const token = this.tokens.get(query.access_token ?? '');
    if (!token) return { errcode: 40001, errmsg: 'invalid credential, access_token is invalid' };
    const openid = this.openidOf(token.appId, token.person);
    if (query.openid !== openid) return { errcode: 40003, errmsg: 'invalid openid' };

    const app = this.apps.find((candidate) => candidate.appId === token.appId);
    return {
      openid,
      nickname: token.person,
      sex: 0,
      province: '',
      city: '',
      country: '',
      headimgurl: '',
      privilege: [],
      ...(app?.unionid ? { unionid: this.unionidOf(token.person) } : {}),
    };
  }

  private answerLater(res: Response, answer: () => Record<string, unknown>) {
    const timer = setTimeout(() => {
      if (!res.destroyed) res.json(answer());
    }, this.delayMs);
    res.on('close', () => clearTimeout(timer));
  }
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 27);
}

/** Runs a stand-in on 127.0.0.1; `port` 0 picks a free one. */
export async function startWechatStandin(
  apps: StandinApp[],
  port = 0,
): Promise<{ url: string; standin: WechatStandin; server: Server; close(): Promise<void> }> {
  const standin = new WechatStandin(apps);
  const app = express();
  app.use(standin.router());
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    standin,
    server,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
