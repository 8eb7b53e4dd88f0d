import type { Locale, Translate } from '../../http/i18n.js';
import { html } from '../../http/pages/layout.js';
import type { UnmatchedEntry } from '../../record/unmatched-queue.js';
import { consolePage } from './console-page.js';

/**
 * The admin's queue of rows whose parent was not found: find the account by phone (or type
 * its id), choose whether to link the card or student number, resolve.
 */
export function unmatchedPage(model: {
  locale: Locale;
  t: Translate;
  path: string;
  csrfToken: string;
  entries: UnmatchedEntry[];
}): string {
  const { t } = model;
  const rows = model.entries.map(
    (entry) =>
      html`<tr id="unmatched-${entry.id}">
        <td>${entry.institutionCode} #${entry.submissionId}/${entry.rowNumber}</td>
        <td>${entry.name ?? ''}<br /><small>${entry.phone ?? ''}</small></td>
        <td>
          ${entry.cardNumber ?? entry.studentNumber ?? ''}<br /><small
            >${entry.idNumberMasked ?? ''}</small
          >
        </td>
        <td>${entry.courseName ?? ''}<br /><small>${entry.sessionDate ?? ''}</small></td>
        <td>
          <form class="resolve-form" data-id="${entry.id}">
            <div class="inline">
              <input name="phone" type="tel" placeholder="${t('console.field.phone')}" />
              <button type="button" class="find-account">${t('console.unmatched.find')}</button>
            </div>
            <input name="accountId" placeholder="${t('console.unmatched.accountId')}" required />
            <label
              ><input type="checkbox" name="linkIdentity" style="width:auto" checked />
              ${t('console.unmatched.link')}</label
            >
            <button type="submit">${t('console.unmatched.resolve')}</button>
            <p class="outcome" role="status"></p>
          </form>
        </td>
      </tr>`,
  );

  const body = html`<h1>${t('console.unmatched.heading')}</h1>
    <p><a href="/console/institutions">${t('console.institutions.heading')}</a></p>
    <div class="card">
      ${
        model.entries.length === 0
          ? html`<p>${t('console.unmatched.empty')}</p>`
          : html`<table>
              ${rows}
            </table>`
      }
    </div>`;

  return consolePage({ ...model, title: t('console.unmatched.heading'), body });
}
