import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import type { StrategyCreated } from 'passport';
import type { WechatOauthConfig } from '../../config/login-providers.js';
import type { UpstreamProfile } from './login-provider.js';
import { UpstreamLoginError } from './upstream-login-error.js';
import { WechatApi } from './wechat-api.js';

declare module 'express-session' {
  interface SessionData {
    /** The `state` of the WeChat login in progress, per provider id; used once. */
    wechatStates?: Record<string, string>;
  }
}

type Settings = Pick<
  WechatOauthConfig,
  'id' | 'appId' | 'appSecret' | 'scope' | 'authorizeUrl' | 'apiBaseUrl' | 'timeoutMs'
>;

/**
 * Passport strategy for WeChat's web OAuth (official account pages), which is OAuth-like but
 * not OpenID Connect: no discovery, no ID token, the app secret goes in a GET query. `state`
 * is fresh per attempt and bound to the browser session (the common passport-wechat packages
 * send a fixed one, which lets another site finish a login in the parent's browser).
 */
export class WechatStrategy {
  readonly name: string;
  readonly api: WechatApi;

  constructor(
    readonly settings: Settings,
    readonly callbackUrl: string,
  ) {
    this.name = settings.id;
    this.api = new WechatApi(settings);
  }

  authenticate(this: StrategyCreated<WechatStrategy>, req: Request): void {
    if (!req.path.endsWith('/callback')) {
      this.redirect(this.authorizationUrl(req));
      return;
    }
    this.verify(req).then(
      (profile) => this.success(profile),
      (error: unknown) => this.error(error as Error),
    );
  }

  authorizationUrl(req: Request): string {
    const state = randomBytes(24).toString('base64url');
    req.session.wechatStates = { ...req.session.wechatStates, [this.settings.id]: state };

    // WeChat checks the parameter order, and the fragment tells its in-app browser to answer.
    const query = new URLSearchParams({
      appid: this.settings.appId,
      redirect_uri: this.callbackUrl,
      response_type: 'code',
      scope: this.settings.scope,
      state,
    });
    return `${this.settings.authorizeUrl}?${query}#wechat_redirect`;
  }

  async verify(req: Request): Promise<UpstreamProfile> {
    const expected = req.session.wechatStates?.[this.settings.id];
    if (req.session.wechatStates) delete req.session.wechatStates[this.settings.id];

    const state = typeof req.query.state === 'string' ? req.query.state : '';
    if (!expected || !sameText(state, expected)) {
      throw new UpstreamLoginError('state_mismatch', 'WeChat answered a login not started here');
    }

    // When the parent taps "refuse", WeChat still redirects back, with the state and no code.
    const code = typeof req.query.code === 'string' ? req.query.code : '';
    if (!code) throw new UpstreamLoginError('refused', 'the parent refused WeChat authorisation');

    const token = await this.api.exchangeCode(code);
    // In "snapshot page" mode WeChat shows a preview without asking the parent, and the
    // openid, unionid and nickname belong to a virtual account, not to them.
    // https://developers.weixin.qq.com/community/develop/doc/000c2c34068880629ced91a2f56001
    if (Number(token.is_snapshotuser) === 1) {
      throw new UpstreamLoginError('snapshot_user', 'WeChat snapshot (virtual) user');
    }

    const profile: UpstreamProfile = {
      identities: [{ provider: `wechat:${this.settings.appId}`, subject: token.openid }],
    };
    let unionid = token.unionid;
    if (this.settings.scope === 'snsapi_userinfo') {
      const user = await this.api.userInfo(token);
      if (user.nickname) profile.name = user.nickname;
      unionid ??= user.unionid;
    }
    if (unionid) profile.identities.push({ provider: 'wechat-union', subject: unionid });

    return profile;
  }
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
