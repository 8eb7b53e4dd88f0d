export type Locale = 'zh-CN' | 'en';

const zh = {
  'hub.title': '星级家长执照 · 统一登录',
  'login.heading': '登录',
  'login.intro': '一次登录，即可进入微学通、E学网和家长执照的所有学习应用。',
  'login.forApp': '正在登录：{app}',
  'login.phone': '手机号',
  'login.password': '密码',
  'login.withPassword': '密码登录',
  'login.withSms': '短信验证码登录',
  'login.submit': '登录',
  'login.sendCode': '获取验证码',
  'login.code': '验证码',
  'login.codeSent': '如果该手机号可以接收短信，验证码已发送，5 分钟内有效。',
  'login.cancel': '取消并返回应用',
  'error.invalidCredentials': '手机号或密码不正确。',
  'error.invalidCode': '验证码不正确或已过期，请重新获取。',
  'error.badPhone': '请输入正确的手机号。',
  'error.tooManyAttempts': '尝试次数过多，请 {seconds} 秒后再试。',
  'error.tooManyCodes': '验证码发送过于频繁，请 {seconds} 秒后再试。',
  'error.csrf': '页面已过期，请刷新后重试。',
  'error.sessionExpired': '登录请求已过期，请回到应用重新开始。',
  'error.title': '出错了',
  'error.notFound': '页面不存在。',
  'consent.heading': '授权',
  'consent.intro': '{app} 请求访问你的以下信息：',
  'consent.allow': '同意',
  'consent.deny': '拒绝',
  'link.heading': '确认这是你的账号',
  'link.intro':
    '{provider}提供的手机号 {phone} 已经属于一个平台账号。证明这个账号是你的，我们就把{provider}绑定到它；如果不是你的，可以另建一个账号。',
  'link.smsHeading': '用短信验证码证明',
  'link.sendCode': '发送验证码到 {phone}',
  'link.codeSent': '验证码已发送，5 分钟内有效。',
  'link.verify': '验证并绑定',
  'link.passwordHeading': '或输入这个账号的密码',
  'link.providerHeading': '或用这个账号已有的登录方式证明',
  'link.byProvider': '用{provider}登录',
  'link.separateHeading': '这不是我的账号',
  'link.separateIntro': '另建一个独立账号。新账号不会使用手机号 {phone}。',
  'link.separate': '新建独立账号',
  'link.expired': '没有等待确认的绑定，或它已经完成。请返回应用重新登录。',
  'link.refused': '无法完成绑定：这个登录方式已属于另一个账号，或账号已停用。请联系平台管理员。',
  'account.heading': '我的账号',
  'account.identities': '登录方式',
  'account.linkedAt': '绑定于 {when}',
  'account.lastUsed': '最近使用 {when}',
  'account.neverUsed': '尚未使用',
  'account.unlink': '解除绑定',
  'account.unlinked': '已解除绑定。',
  'account.linkAnother': '绑定其他登录方式',
  'account.linkWith': '绑定{provider}',
  'account.lastWay': '这是你唯一的登录方式，不能解除绑定。请先绑定另一种登录方式。',
  'account.notFound': '这个登录方式不在你的账号中。',
  'account.sessions': '登录会话',
  'account.sessionStarted': '登录于 {when}',
  'account.sessionApps': '已进入：{apps}',
  'account.sessionNoApps': '尚未进入任何应用',
  'account.thisBrowser': '当前浏览器',
  'account.endSession': '结束此会话',
  'account.sessionEnded': '会话已结束，相关应用已收到退出通知。',
  'account.signOut': '退出登录',
  'provider.phone': '手机号',
  'provider.elearning': 'E学网',
  'provider.wechat': '微信',
  'provider.wechat-union': '微信开放平台',
  'scope.openid': '你的家长执照账号标识',
  'scope.profile': '你的姓名',
  'scope.phone': '你的手机号',
  'scope.offline_access': '在你离开后保持登录',
  'logout.heading': '退出登录',
  'logout.question': '要退出统一登录吗？所有学习应用都会同时退出。',
  'logout.confirm': '退出',
  'logout.done': '你已退出所有学习应用。',
  'login.otherWays': '其他登录方式',
  'login.with': '使用{provider}登录',
  'login.unavailable': '{provider}暂时无法使用',
  'login.backToLogin': '返回登录页',
  'upstream.title': '{provider}登录未完成',
  'upstream.refused':
    '你没有同意授权，因此无法用{provider}登录。可以返回登录页重新授权，或换一种方式登录。',
  'upstream.state_mismatch': '这次登录不是从本页面发起的，或已经完成过。请回到应用重新登录。',
  'upstream.code_invalid': '{provider}返回的登录凭证已被使用或已过期。请返回登录页重新登录。',
  'upstream.upstream_error': '{provider}返回了错误（{detail}）。请稍后再试，或换一种方式登录。',
  'upstream.timeout': '{provider}长时间没有响应。请稍后再试，或换一种方式登录。',
  'upstream.snapshot_user':
    '你正在微信的“快照页”中浏览，无法确认你的微信身份。请点击页面底部的“使用完整服务”，同意授权后重新登录。',
  'upstream.unavailable': '{provider}登录暂时无法使用。请换一种方式登录，或稍后再试。',
  'upstream.unknownProvider': '没有这种登录方式。',
  'refusal.identity_conflict':
    '这些登录信息分别属于两个不同的平台账号。请先用其中一个登录，在账号页解除另一个的绑定，或联系平台管理员。',
  'refusal.identity_taken':
    '此登录方式已绑定到另一个平台账号。请先用它登录并解除绑定，再到这里绑定。',
  'refusal.account_disabled': '此平台账号已停用，请联系平台管理员。',
  'refusal.signup_closed': '此登录方式不能新建账号。请用其他方式登录，或请平台管理员为你开通账号。',
  'home.apps': '学习应用（演示）',
  'switch.language': 'English',
} as const;

export type MessageKey = keyof typeof zh;

const en: Record<MessageKey, string> = {
  'hub.title': 'Star Parent Licence · single sign-on',
  'login.heading': 'Sign in',
  'login.intro': 'Sign in once for Weixuetong, E-learning-net and every parent-licence app.',
  'login.forApp': 'Signing in to: {app}',
  'login.phone': 'Phone number',
  'login.password': 'Password',
  'login.withPassword': 'Sign in with password',
  'login.withSms': 'Sign in with an SMS code',
  'login.submit': 'Sign in',
  'login.sendCode': 'Send code',
  'login.code': 'Code',
  'login.codeSent':
    'If this phone can receive SMS, a code is on its way. It is valid for 5 minutes.',
  'login.cancel': 'Cancel and go back to the app',
  'error.invalidCredentials': 'The phone number or password is not right.',
  'error.invalidCode': 'The code is wrong or has expired. Ask for a new one.',
  'error.badPhone': 'Enter a valid phone number.',
  'error.tooManyAttempts': 'Too many attempts. Try again in {seconds} seconds.',
  'error.tooManyCodes': 'Codes were requested too often. Try again in {seconds} seconds.',
  'error.csrf': 'This page has expired. Reload it and try again.',
  'error.sessionExpired': 'This sign-in request has expired. Go back to the app and start again.',
  'error.title': 'Something went wrong',
  'error.notFound': 'There is no such page.',
  'consent.heading': 'Allow access',
  'consent.intro': '{app} asks to see:',
  'consent.allow': 'Allow',
  'consent.deny': 'Deny',
  'link.heading': 'Is this your account?',
  'link.intro':
    'The phone number {phone} that {provider} gave us already belongs to a hub account. Prove that account is yours and we link {provider} to it; if it is not yours, create a separate account.',
  'link.smsHeading': 'Prove it with an SMS code',
  'link.sendCode': 'Send a code to {phone}',
  'link.codeSent': 'The code is on its way. It is valid for 5 minutes.',
  'link.verify': 'Verify and link',
  'link.passwordHeading': "Or enter that account's password",
  'link.providerHeading': 'Or prove it by signing in to that account',
  'link.byProvider': 'Sign in with {provider}',
  'link.separateHeading': 'This is not my account',
  'link.separateIntro': 'Create a separate account. It will not use the phone number {phone}.',
  'link.separate': 'Create a separate account',
  'link.expired':
    'Nothing is waiting to be linked, or it is already done. Go back to the app and sign in again.',
  'link.refused':
    'This could not be linked: the sign-in already belongs to another account, or the account is disabled. Ask the hub administrators for help.',
  'account.heading': 'My account',
  'account.identities': 'Ways to sign in',
  'account.linkedAt': 'Linked {when}',
  'account.lastUsed': 'Last used {when}',
  'account.neverUsed': 'Not used yet',
  'account.unlink': 'Unlink',
  'account.unlinked': 'Unlinked.',
  'account.linkAnother': 'Link another way to sign in',
  'account.linkWith': 'Link {provider}',
  'account.lastWay':
    'This is your only way to sign in, so it cannot be unlinked. Link another way first.',
  'account.notFound': 'This way to sign in is not on your account.',
  'account.sessions': 'Sessions',
  'account.sessionStarted': 'Signed in {when}',
  'account.sessionApps': 'Apps reached: {apps}',
  'account.sessionNoApps': 'No app reached yet',
  'account.thisBrowser': 'This browser',
  'account.endSession': 'End this session',
  'account.sessionEnded': 'The session has ended and its apps were told to sign out.',
  'account.signOut': 'Sign out',
  'provider.phone': 'Phone',
  'provider.elearning': 'E-learning-net',
  'provider.wechat': 'WeChat',
  'provider.wechat-union': 'WeChat Open Platform',
  'scope.openid': 'your parent-licence account id',
  'scope.profile': 'your name',
  'scope.phone': 'your phone number',
  'scope.offline_access': 'staying signed in while you are away',
  'logout.heading': 'Sign out',
  'logout.question': 'Sign out of the hub? Every learning app signs out with it.',
  'logout.confirm': 'Sign out',
  'logout.done': 'You are signed out of every learning app.',
  'login.otherWays': 'Other ways to sign in',
  'login.with': 'Sign in with {provider}',
  'login.unavailable': '{provider} is temporarily unavailable',
  'login.backToLogin': 'Back to sign-in',
  'upstream.title': 'Signing in with {provider} did not finish',
  'upstream.refused':
    'You did not allow access, so {provider} cannot sign you in. Go back and allow it, or sign in another way.',
  'upstream.state_mismatch':
    'This sign-in was not started on this page, or it is already finished. Go back to the app and sign in again.',
  'upstream.code_invalid':
    'The sign-in answer from {provider} was already used or has expired. Go back and sign in again.',
  'upstream.upstream_error':
    '{provider} answered with an error ({detail}). Try again later, or sign in another way.',
  'upstream.timeout': '{provider} did not answer in time. Try again later, or sign in another way.',
  'upstream.snapshot_user':
    'You are browsing a WeChat page preview ("snapshot"), which does not tell who you are. Tap "Use full service" at the bottom of the page, allow access, and sign in again.',
  'upstream.unavailable':
    'Signing in with {provider} is temporarily unavailable. Sign in another way, or try again later.',
  'upstream.unknownProvider': 'There is no such way to sign in.',
  'refusal.identity_conflict':
    'These sign-in details belong to two different hub accounts. Sign in with one, unlink the other on its account page, or ask the hub administrators.',
  'refusal.identity_taken':
    'This sign-in is already linked to another hub account. Sign in with it and unlink it there, then link it here.',
  'refusal.account_disabled': 'This hub account is disabled. Ask the hub administrators for help.',
  'refusal.signup_closed':
    'New accounts cannot be created this way. Sign in another way, or ask the hub administrators for an account.',
  'home.apps': 'Learning apps (demo)',
  'switch.language': '中文',
};

const MESSAGES: Record<Locale, Record<MessageKey, string>> = { 'zh-CN': zh, en };

export type Translate = (key: MessageKey, values?: Record<string, string | number>) => string;

export function translator(locale: Locale): Translate {
  return (key, values = {}) =>
    MESSAGES[locale][key].replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? ''));
}

/**
 * Picks the page language: an explicit `lang` choice (query, then cookie), then the
 * `ui_locales` an app asked for, then the configured default.
 */
export function pickLocale(candidates: Array<string | undefined>, fallback: Locale): Locale {
  for (const candidate of candidates) {
    for (const tag of (candidate ?? '').split(/[\s,]+/)) {
      const lower = tag.toLowerCase();
      if (lower.startsWith('en')) return 'en';
      if (lower.startsWith('zh')) return 'zh-CN';
    }
  }
  return fallback;
}
