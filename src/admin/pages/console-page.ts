import type { Locale, Translate } from '../../http/i18n.js';
import { type Html, html, languageSwitchUrl, page } from '../../http/pages/layout.js';

// The console shows tables, wider than the login card the shared layout is made for.
const CONSOLE_STYLE = `main{max-width:960px} table{width:100%;border-collapse:collapse}
  td,th{padding:6px;border-bottom:1px solid #e4e7eb;text-align:left;font-size:.9rem}
  .drop{display:block;border:2px dashed #cbd2d9;border-radius:12px;padding:28px;
    text-align:center;cursor:pointer} .drop.over{border-color:#d9480f;background:#fff4e6}
  dl.counts{display:grid;grid-template-columns:auto auto;gap:4px 16px} dd{margin:0;font-weight:600}
  .inline{display:flex;gap:8px;align-items:end;flex-wrap:wrap} .inline input,.inline select{width:auto}
  .inline button{width:auto;margin-top:0}`;

/** A console page: the shared layout, the console's width, its script and its CSRF token. */
export function consolePage(options: {
  locale: Locale;
  t: Translate;
  title: string;
  path: string;
  csrfToken: string;
  body: Html;
}): string {
  const { t } = options;
  const body = html`<style>
      ${CONSOLE_STYLE}
    </style>
    <div id="console" data-csrf="${options.csrfToken}" data-locale="${options.locale}">
      <p><small>${t('console.title')}</small></p>
      ${options.body}
    </div>
    <script src="/console/assets/console.js"></script>`;
  return page({
    locale: options.locale,
    t,
    title: options.title,
    body,
    languageSwitchUrl: languageSwitchUrl(options.path, options.locale),
  });
}
