import type { Institution } from '../record/institution-store.js';
import type { Submission } from '../record/submission-store.js';

/** A submission as the API and the console show it. */
export function submissionJson(institution: Institution, submission: Submission) {
  const self = `/api/institutions/${encodeURIComponent(institution.code)}/submissions/${submission.id}`;
  return {
    id: submission.id,
    institution: institution.code,
    status: submission.status,
    fileName: submission.originalName,
    sizeBytes: submission.sizeBytes,
    sha256: submission.fileSha256,
    facts: submission.facts,
    progressRows: submission.counts.read,
    counts: submission.counts,
    error: submission.error,
    createdAt: new Date(submission.createdAt).toISOString(),
    startedAt: submission.startedAt ? new Date(submission.startedAt).toISOString() : null,
    finishedAt: submission.finishedAt ? new Date(submission.finishedAt).toISOString() : null,
    links: { self, report: `${self}/report.csv` },
  };
}
