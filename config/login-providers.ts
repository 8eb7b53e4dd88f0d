import { readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * The login providers a hub offers, read from `HUB_LOGIN_PROVIDERS`: a JSON array, or the
 * path of a JSON file holding one. Each entry has an `id` (permanent: it names the provider
 * in URLs, and for E-learning-net it is the identity provider recorded for every parent), a
 * `kind`, an optional `label` per language and `allowSignup` (whether an identity the hub does
 * not know yet may create a new account). Several entries of one kind are allowed.
 *
 * ```json
 * [
 *   { "id": "phone", "kind": "phone" },
 *   { "id": "elearning", "kind": "elearning-oidc", "issuer": "https://id.elearning.example.cn",
 *     "clientId": "star-hub", "clientSecret": "…" },
 *   { "id": "wechat-weixuetong", "kind": "wechat-oauth", "appId": "wx…", "appSecret": "…",
 *     "scope": "snsapi_userinfo", "allowSignup": true }
 * ]
 * ```
 */
export const DEFAULT_LOGIN_PROVIDERS = '[{"id":"phone","kind":"phone"}]';

const label = z.strictObject({ 'zh-CN': z.string().min(1), en: z.string().min(1) });

const common = {
  id: z
    .string()
    .regex(/^[a-z][a-z0-9-]{1,39}$/, 'must be 2-40 lowercase letters, digits or dashes'),
  label: label.optional(),
  allowSignup: z.boolean().default(true),
};

const timeoutMs = z.number().int().min(500).max(60_000).default(10_000);

const phone = z.strictObject({ ...common, kind: z.literal('phone') });

const elearningOidc = z.strictObject({
  ...common,
  kind: z.literal('elearning-oidc'),
  /** The upstream's issuer identifier; its discovery document is read from there. */
  issuer: z.url({ protocol: /^https?$/ }),
  clientId: z.string().min(1),
  /** Absent for a public client, which then authenticates with PKCE alone. */
  clientSecret: z.string().min(1).optional(),
  scope: z.string().default('openid profile phone'),
  timeoutMs,
});

const wechatOauth = z.strictObject({
  ...common,
  kind: z.literal('wechat-oauth'),
  appId: z.string().regex(/^\w{4,64}$/, 'must be the official account AppID'),
  appSecret: z.string().min(1),
  /** snsapi_base asks nothing of the parent; snsapi_userinfo shows WeChat's consent page. */
  scope: z.enum(['snsapi_base', 'snsapi_userinfo']).default('snsapi_userinfo'),
  authorizeUrl: z.url().default('https://open.weixin.qq.com/connect/oauth2/authorize'),
  apiBaseUrl: z
    .url()
    .default('https://api.weixin.qq.com')
    .transform((value) => value.replace(/\/$/, '')),
  timeoutMs,
});

const entry = z.discriminatedUnion('kind', [phone, elearningOidc, wechatOauth]);

export type LoginProviderConfig = z.output<typeof entry>;
export type PhoneProviderConfig = z.output<typeof phone>;
export type ElearningOidcConfig = z.output<typeof elearningOidc>;
export type WechatOauthConfig = z.output<typeof wechatOauth>;

export const loginProvidersSchema = z
  .string()
  .transform((value, context) => {
    const text = value.trim().startsWith('[') ? value : readJsonFile(value, context);
    if (text === undefined) return z.NEVER;
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      context.addIssue({ code: 'custom', message: `not JSON: ${(error as Error).message}` });
      return z.NEVER;
    }
  })
  .pipe(
    z
      .array(entry)
      .min(1, 'must list at least one provider')
      .superRefine((providers, context) => {
        const seen = new Set<string>();
        for (const [index, provider] of providers.entries()) {
          if (seen.has(provider.id)) {
            context.addIssue({
              code: 'custom',
              path: [index, 'id'],
              message: `id "${provider.id}" is used twice`,
            });
          }
          seen.add(provider.id);
        }
      }),
  );

function readJsonFile(path: string, context: z.RefinementCtx): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    context.addIssue({
      code: 'custom',
      message: `neither a JSON array nor a readable file: ${(error as Error).message}`,
    });
    return undefined;
  }
}
