import type { Locale, Translate } from '../../http/i18n.js';
import { html } from '../../http/pages/layout.js';
import type { Institution } from '../../record/institution-store.js';
import type { Submission } from '../../record/submission-store.js';
import { consolePage } from './console-page.js';

const COUNTS = ['read', 'imported', 'duplicate', 'rejected', 'unmatched'] as const;
const STATUSES = ['queued', 'processing', 'done', 'refused', 'failed'] as const;

/**
 * The operator's page: drop a file, watch it being processed, read the four counts, fetch the
 * report of problem rows; templates and the latest submissions below.
 */
export function uploadPage(model: {
  locale: Locale;
  t: Translate;
  path: string;
  csrfToken: string;
  institution: Institution;
  recent: Submission[];
}): string {
  const { t, institution } = model;
  const api = `/api/institutions/${encodeURIComponent(institution.code)}`;
  const statusText = Object.fromEntries(
    STATUSES.map((status) => [status, t(`console.status.${status}`)]),
  );
  const rows = model.recent.map(
    (submission) =>
      html`<tr>
        <td>${new Date(submission.createdAt).toISOString().slice(0, 16).replace('T', ' ')}</td>
        <td>${submission.originalName}</td>
        <td>${statusText[submission.status]}</td>
        ${COUNTS.map((count) => html`<td>${submission.counts[count]}</td>`)}
        <td><a href="${api}/submissions/${submission.id}/report.csv">CSV</a></td>
      </tr>`,
  );

  const body = html`<h1>${institution.name}</h1>
    <div
      class="card"
      id="upload"
      data-url="${api}/submissions"
      data-statuses="${JSON.stringify(statusText)}"
      data-uploading="${t('console.upload.uploading')}"
      data-recognised="${t('console.upload.recognised')}"
    >
      <h2>${t('console.upload.heading')}</h2>
      <form id="upload-form">
        <label class="drop" id="drop" for="file">${t('console.upload.intro')}</label>
        <input type="file" id="file" name="file" accept=".csv,.xlsx" required />
        <button type="submit">${t('console.upload.submit')}</button>
      </form>
      <p id="upload-status" role="status"></p>
      <p id="upload-error" class="error" hidden></p>
      <dl class="counts" id="upload-result" hidden>
        ${COUNTS.map(
          (count) =>
            html`<dt>${t(`console.count.${count}`)}</dt>
              <dd data-count="${count}"></dd>`,
        )}
      </dl>
      <p><a id="upload-report" hidden>${t('console.report')}</a></p>
    </div>
    <div class="card">
      <h2>${t('console.upload.templates')}</h2>
      <p>
        <a href="${api}/template.xlsx">Excel (.xlsx)</a> ·
        <a href="${api}/template.csv">CSV</a>
      </p>
    </div>
    <div class="card">
      <h2>${t('console.recent')}</h2>
      <table>
        <tr>
          <th></th>
          <th></th>
          <th></th>
          ${COUNTS.map((count) => html`<th>${t(`console.count.${count}`)}</th>`)}
          <th></th>
        </tr>
        ${rows}
      </table>
    </div>`;

  return consolePage({ ...model, title: t('console.upload.heading'), body });
}
