import type { Locale, Translate } from '../../http/i18n.js';
import { html } from '../../http/pages/layout.js';
import { INSTITUTION_KINDS, type Institution } from '../../record/institution-store.js';
import { consolePage } from './console-page.js';

/** The admin's page: every institution, adding one, and adding operators to one. */
export function institutionsPage(model: {
  locale: Locale;
  t: Translate;
  path: string;
  csrfToken: string;
  institutions: Array<Institution & { operators: number }>;
}): string {
  const { t } = model;
  const kinds = INSTITUTION_KINDS.map(
    (kind) => html`<option value="${kind}">${t(`console.kind.${kind}`)}</option>`,
  );
  const rows = model.institutions.map(
    (institution) =>
      html`<tr>
        <td>${institution.code}</td>
        <td>${t(`console.kind.${institution.kind}`)}</td>
        <td>
          <a href="/console/institutions/${encodeURIComponent(institution.code)}/upload"
            >${institution.name}</a
          >
        </td>
        <td>${institution.operators}</td>
        <td>
          <form class="inline operator-form" data-code="${institution.code}">
            <input name="phone" type="tel" placeholder="${t('console.field.phone')}" required />
            <button type="submit">${t('console.institutions.operator')}</button>
          </form>
        </td>
      </tr>`,
  );

  const body = html`<h1>${t('console.institutions.heading')}</h1>
    <p><a href="/console/unmatched">${t('console.unmatched.heading')}</a></p>
    <div class="card">
      <h2>${t('console.institutions.add')}</h2>
      <form class="inline" id="institution-form">
        <label
          >${t('console.field.kind')}
          <select name="kind">
            ${kinds}
          </select></label
        >
        <label>${t('console.field.code')} <input name="code" required /></label>
        <label>${t('console.field.name')} <input name="name" required /></label>
        <button type="submit">${t('console.institutions.add')}</button>
      </form>
      <p id="form-message" role="status" data-saved="${t('console.saved')}"></p>
    </div>
    <div class="card">
      <table>
        ${rows}
      </table>
    </div>`;

  return consolePage({ ...model, title: t('console.institutions.heading'), body });
}
