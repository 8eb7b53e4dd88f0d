import type { LoginProviderConfig } from '../../config/login-providers.js';
import type { Logger } from '../log.js';
import { elearningOidcProvider } from './elearning-oidc-provider.js';
import type { LoginProvider, PhoneProvider, UpstreamProvider } from './login-provider.js';
import { wechatOauthProvider } from './wechat-oauth-provider.js';

type Deps = { hubUrl: string; log: Logger };

/** Every kind of login provider, by the `kind` its configuration names. */
const KINDS: {
  [K in LoginProviderConfig['kind']]: (
    settings: Extract<LoginProviderConfig, { kind: K }>,
    deps: Deps,
  ) => LoginProvider;
} = {
  phone: (settings): PhoneProvider => ({
    id: settings.id,
    kind: 'phone',
    label: settings.label ?? { 'zh-CN': '手机号登录', en: 'Phone' },
    allowSignup: settings.allowSignup,
  }),
  'elearning-oidc': elearningOidcProvider,
  'wechat-oauth': wechatOauthProvider,
};

/** The login providers a hub offers, in the order the login page shows them. */
export class LoginProviders {
  readonly all: LoginProvider[];

  constructor(configs: LoginProviderConfig[], deps: Deps) {
    this.all = configs.map((settings) => {
      const create = KINDS[settings.kind] as (s: typeof settings, d: Deps) => LoginProvider;
      return create(settings, deps);
    });
  }

  get phone(): PhoneProvider | undefined {
    return this.all.find((provider): provider is PhoneProvider => provider.kind === 'phone');
  }

  upstream(id: string): UpstreamProvider | undefined {
    const found = this.all.find((provider) => provider.id === id);
    return found && found.kind !== 'phone' ? found : undefined;
  }

  /** The configured provider that signs in with identities of this provider, if any. */
  providerIdFor(identityProvider: string): string | undefined {
    return this.all.find(
      (provider) => provider.kind !== 'phone' && provider.identityProvider === identityProvider,
    )?.id;
  }

  close(): void {
    for (const provider of this.all) if (provider.kind !== 'phone') provider.close();
  }
}
