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
  'scope.openid': '你的家长执照账号标识',
  'scope.profile': '你的姓名',
  'scope.phone': '你的手机号',
  'scope.offline_access': '在你离开后保持登录',
  'logout.heading': '退出登录',
  'logout.question': '要退出统一登录吗？所有学习应用都会同时退出。',
  'logout.confirm': '退出',
  'logout.done': '你已退出所有学习应用。',
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
  'scope.openid': 'your parent-licence account id',
  'scope.profile': 'your name',
  'scope.phone': 'your phone number',
  'scope.offline_access': 'staying signed in while you are away',
  'logout.heading': 'Sign out',
  'logout.question': 'Sign out of the hub? Every learning app signs out with it.',
  'logout.confirm': 'Sign out',
  'logout.done': 'You are signed out of every learning app.',
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
