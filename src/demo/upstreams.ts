import { loadConfig } from '../config.js';
import { DEMO_PARENT_PHONE } from './seed-demo.js';
import { startUpstreamOidc } from './upstream-oidc.js';
import { startWechatStandin } from './wechat-standin.js';

/**
 * `npm run demo:upstreams`: the demo hub with all three ways to log in. Starts a local
 * E-learning-net (a real OpenID Provider) and a WeChat stand-in on 127.0.0.1, points the hub's
 * login providers at them, then starts the hub exactly as `npm start` does.
 */
const ELEARNING_PORT = Number(process.env.DEMO_ELEARNING_PORT ?? 3001);
const WECHAT_PORT = Number(process.env.DEMO_WECHAT_PORT ?? 3002);
const ELEARNING_CLIENT = { clientId: 'star-parent-hub', clientSecret: 'demo-elearning-secret' };
const WECHAT_APP = { appId: 'wxdemoweixuetong', appSecret: 'demo-wechat-secret', unionid: true };

const hubUrl = loadConfig().HUB_PUBLIC_URL;

const elearning = await startUpstreamOidc({
  port: ELEARNING_PORT,
  clients: [{ ...ELEARNING_CLIENT, redirectUris: [`${hubUrl}/login/elearning/callback`] }],
  people: [
    // Same verified phone as the hub's demo parent: the hub asks them to prove it is theirs.
    {
      sub: 'el-demo-parent',
      name: '演示家长（E学网）',
      phone_number: DEMO_PARENT_PHONE,
      phone_number_verified: true,
    },
    { sub: 'el-new-parent', name: '新家长', phone_number: '+8613900139000' },
  ],
});
const wechat = await startWechatStandin([WECHAT_APP], WECHAT_PORT);

process.env.HUB_LOGIN_PROVIDERS ??= JSON.stringify([
  { id: 'phone', kind: 'phone' },
  {
    id: 'elearning',
    kind: 'elearning-oidc',
    issuer: elearning.url,
    ...ELEARNING_CLIENT,
  },
  {
    id: 'wechat-weixuetong',
    kind: 'wechat-oauth',
    appId: WECHAT_APP.appId,
    appSecret: WECHAT_APP.appSecret,
    authorizeUrl: `${wechat.url}/connect/oauth2/authorize`,
    apiBaseUrl: wechat.url,
  },
]);

process.stdout.write(
  [
    '',
    `  E学网 E-learning-net (local)  ${elearning.url}/.well-known/openid-configuration`,
    `  WeChat stand-in (local)       ${wechat.url}/connect/oauth2/authorize`,
    '  Open a demo app below, then pick E学网 or 微信 on the hub login page.',
    '',
  ].join('\n'),
);

await import('../server.js');
