import type { Locale, Translate } from '../i18n.js';
import { type Html, html, page } from './layout.js';

/** A page that only tells something: an error, or that a logout is done. */
export function messagePage(model: {
  locale: Locale;
  t: Translate;
  title: string;
  message: string;
  detail?: string;
  extra?: Html;
}): string {
  const body = html` <h1>${model.title}</h1>
    <div class="card">
      <p>${model.message}</p>
      ${model.detail ? html`<p><small>${model.detail}</small></p>` : ''} ${model.extra ?? ''}
    </div>`;
  return page({ locale: model.locale, t: model.t, title: model.title, body });
}
