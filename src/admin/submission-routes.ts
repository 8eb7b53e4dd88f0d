import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import type { Csrf } from '../http/csrf.js';
import { HubError } from '../http/errors.js';
import type { SignedIn } from '../http/signed-in.js';
import { attendanceTemplate } from '../intake/attendance-file.js';
import type { Provider } from '../oidc/provider.js';
import type { AttendanceIntake } from '../record/attendance-intake.js';
import { FileTooLarge } from '../record/submission-files.js';
import { submissionReport } from '../record/submission-report.js';
import { type Caller, identifyCaller, institutionFor } from './caller.js';
import { withUploadedFile } from './multipart-upload.js';
import { submissionJson } from './submission-json.js';
import { parseInput } from './validate.js';

const params = z.object({ code: z.string().min(1).max(64) });
const submissionParams = params.extend({ id: z.coerce.number().int().positive() });
const templateParams = params.extend({ format: z.enum(['csv', 'xlsx']) });

// Multipart framing around the file: boundaries, headers and small fields.
const MULTIPART_OVERHEAD = 64 * 1024;

/** Submitting attendance files and reading their results, per institution. */
export function submissionRoutes(parts: {
  intake: AttendanceIntake;
  provider: Provider;
  signedIn: SignedIn;
  csrf: Csrf;
}): Router {
  const { intake } = parts;
  const router = Router();
  router.use('/api/institutions', identifyCaller({ ...parts, institutions: intake.institutions }));

  const institution = (req: Request, res: Response) =>
    institutionFor(
      intake.institutions,
      res.locals.caller as Caller,
      parseInput(params, req.params).code,
    );

  router.post('/api/institutions/:code/submissions', async (req, res) => {
    const maxBytes = intake.settings.INTAKE_MAX_UPLOAD_BYTES;
    // Refused before a byte of the body is read when the client says how much it sends.
    if (Number(req.get('content-length') ?? 0) > maxBytes + MULTIPART_OVERHEAD) {
      throw tooLarge(res, maxBytes);
    }
    const target = await institution(req, res);
    const caller = res.locals.caller as Caller;
    const sheet = typeof req.query.sheet === 'string' ? req.query.sheet : undefined;

    let result: Awaited<ReturnType<typeof intake.submit>>;
    try {
      result = await withUploadedFile(req, (file) =>
        intake.submit({
          institution: target,
          originalName: file.fileName,
          content: file.content,
          sheet: file.sheet ?? sheet,
          accountId: caller.kind === 'app' ? undefined : caller.accountId,
          clientId: caller.kind === 'app' ? caller.clientId : undefined,
        }),
      );
    } catch (error) {
      if (error instanceof FileTooLarge) throw tooLarge(res, maxBytes);
      throw error;
    }

    const body = submissionJson(target, result.submission);
    if (!result.created) {
      res.status(200).json({ ...body, recognised: true });
      return;
    }
    intake.queue.wake();
    res
      .status(202)
      .location(body.links.self)
      .json({ ...body, recognised: false });
  });

  router.get('/api/institutions/:code/submissions', async (req, res) => {
    const target = await institution(req, res);
    const list = await intake.submissions.listForInstitution(target.id);
    res.json({ submissions: list.map((submission) => submissionJson(target, submission)) });
  });

  router.get('/api/institutions/:code/submissions/:id', async (req, res) => {
    const target = await institution(req, res);
    const submission = await findSubmission(req, target.id);
    res.set('Cache-Control', 'no-store').json(submissionJson(target, submission));
  });

  router.get('/api/institutions/:code/submissions/:id/report.csv', async (req, res) => {
    const target = await institution(req, res);
    const submission = await findSubmission(req, target.id);
    res
      .type('text/csv; charset=utf-8')
      .attachment(`submission-${submission.id}-report.csv`)
      .set('Cache-Control', 'no-store');
    await pipeline(Readable.from(submissionReport(intake.knex, submission)), res);
  });

  router.get('/api/institutions/:code/template.:format', async (req, res) => {
    const target = await institution(req, res);
    const { format } = parseInput(templateParams, req.params);
    const content = await attendanceTemplate(target.kind, format);
    res
      .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'xlsx')
      .attachment(`attendance-template-${target.kind}.${format}`)
      .send(content);
  });

  async function findSubmission(req: Request, institutionId: number) {
    const { id } = parseInput(submissionParams, req.params);
    const submission = await intake.submissions.findById(id);
    if (!submission || submission.institutionId !== institutionId) {
      throw new HubError(404, 'submission_not_found', 'There is no such submission.');
    }
    return submission;
  }

  return router;
}

function tooLarge(res: Response, maxBytes: number): HubError {
  // The rest of the body is not read: closing the connection stops the client sending it.
  res.set('Connection', 'close');
  const mb = Math.round((maxBytes / 1024 / 1024) * 10) / 10;
  return new HubError(
    413,
    'file_too_large',
    `The file is larger than the ${mb} MB limit; split it into several files.`,
  );
}
