import type { WechatOauthConfig } from '../../config/login-providers.js';
import { UpstreamLoginError } from './upstream-login-error.js';

export type WechatToken = {
  access_token: string;
  openid: string;
  scope?: string;
  unionid?: string;
  is_snapshotuser?: number;
};

export type WechatUser = { openid: string; nickname?: string; unionid?: string };

type ApiSettings = Pick<WechatOauthConfig, 'appId' | 'appSecret' | 'apiBaseUrl' | 'timeoutMs'>;

// https://developers.weixin.qq.com/doc/offiaccount/OA_Web_Apps/Wechat_webpage_authorization.html
// 40029: invalid code; 40163: code already used. Both mean "start the login again".
const CODE_ERRORS = new Set([40029, 40163]);

/**
 * The two calls of WeChat's web OAuth the hub makes. WeChat answers HTTP 200 with
 * `{errcode, errmsg}` on failure, so the body decides, not the status.
 */
export class WechatApi {
  constructor(private readonly settings: ApiSettings) {}

  async exchangeCode(code: string): Promise<WechatToken> {
    const body = await this.get('/sns/oauth2/access_token', {
      appid: this.settings.appId,
      secret: this.settings.appSecret,
      code,
      grant_type: 'authorization_code',
    });
    if (typeof body.openid !== 'string' || typeof body.access_token !== 'string') {
      throw new UpstreamLoginError('upstream_error', 'WeChat gave no openid', 'no_openid');
    }
    return body as WechatToken;
  }

  async userInfo(token: WechatToken): Promise<WechatUser> {
    const body = await this.get('/sns/userinfo', {
      access_token: token.access_token,
      openid: token.openid,
      lang: 'zh_CN',
    });
    if (body.openid !== token.openid) {
      throw new UpstreamLoginError('upstream_error', 'WeChat profile is for another openid');
    }
    return body as WechatUser;
  }

  private async get(path: string, query: Record<string, string>): Promise<Record<string, unknown>> {
    const url = `${this.settings.apiBaseUrl}${path}?${new URLSearchParams(query)}`;
    let response: Response;
    try {
      response = await fetch(url, { signal: AbortSignal.timeout(this.settings.timeoutMs) });
    } catch (error) {
      if ((error as Error).name === 'TimeoutError') {
        throw new UpstreamLoginError('timeout', `WeChat did not answer ${path} in time`);
      }
      throw new UpstreamLoginError('upstream_error', `WeChat could not be reached at ${path}`);
    }

    let body: Record<string, unknown>;
    try {
      body = (await response.json()) as Record<string, unknown>;
    } catch {
      throw new UpstreamLoginError('upstream_error', `WeChat answered ${path} with no JSON`);
    }

    const errcode = Number(body.errcode ?? 0);
    if (errcode !== 0) {
      const reason = CODE_ERRORS.has(errcode) ? 'code_invalid' : 'upstream_error';
      throw new UpstreamLoginError(reason, `WeChat refused ${path}`, String(errcode));
    }
    return body;
  }
}
