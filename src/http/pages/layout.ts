import type { Locale, Translate } from '../i18n.js';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);
}

/** A string that is already safe HTML; everything else put into a page is escaped. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0] ?? '';
  values.forEach((value, index) => {
    out += renderValue(value) + (strings[index + 1] ?? '');
  });
  return new Html(out);
}

function renderValue(value: unknown): string {
  if (value instanceof Html) return value.value;
  if (Array.isArray(value)) return value.map(renderValue).join('');
  if (value === false || value === null || value === undefined) return '';
  return escapeHtml(value);
}

const STYLE = `
  body{font-family:-apple-system,"PingFang SC","Microsoft YaHei",system-ui,sans-serif;
    margin:0;background:#f4f6f8;color:#1f2933}
  main{max-width:420px;margin:0 auto;padding:24px 16px}
  h1{font-size:1.4rem} .card{background:#fff;border-radius:12px;padding:20px;margin:16px 0;
    box-shadow:0 1px 3px rgba(0,0,0,.08)}
  label{display:block;margin:12px 0 4px} input{width:100%;box-sizing:border-box;padding:12px;
    font-size:1rem;border:1px solid #cbd2d9;border-radius:8px}
  button{width:100%;padding:12px;margin-top:16px;font-size:1rem;border:0;border-radius:8px;
    background:#d9480f;color:#fff} button.secondary{background:#52606d}
  .button{display:block;box-sizing:border-box;padding:12px;margin-top:12px;border-radius:8px;
    text-align:center;text-decoration:none;background:#2f9e44;color:#fff}
  .button.unavailable{background:#e4e7eb;color:#616e7c}
  .error{color:#b00020;background:#fde8e8;padding:10px;border-radius:8px}
  .notice{color:#1e5631;background:#e3f9e5;padding:10px;border-radius:8px}
  .lang{text-align:right} a{color:#d9480f} small{color:#616e7c}`;

export function page(options: {
  locale: Locale;
  t: Translate;
  title: string;
  body: Html;
  languageSwitchUrl?: string;
}): string {
  const { locale, t } = options;
  const lang = locale === 'en' ? 'en' : 'zh-CN';
  const switchLink = options.languageSwitchUrl
    ? html`<p class="lang"><a href="${options.languageSwitchUrl}">${t('switch.language')}</a></p>`
    : '';
  return html`<!doctype html>
    <html lang="${lang}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${options.title} · ${t('hub.title')}</title>
        <style>
          ${new Html(STYLE)}
        </style>
      </head>
      <body>
        <main>
          ${switchLink}
          <p><small>${t('hub.title')}</small></p>
          ${options.body}
        </main>
      </body>
    </html>`.value;
}

/** The URL of the same page with the other language chosen. */
export function languageSwitchUrl(path: string, locale: Locale): string {
  const url = new URL(path, 'http://hub.invalid');
  url.searchParams.set('lang', locale === 'en' ? 'zh-CN' : 'en');
  return `${url.pathname}${url.search}`;
}
