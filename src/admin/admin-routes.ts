import express, { type NextFunction, type Request, type Response, Router } from 'express';
import { z } from 'zod';
import type { AccountStore } from '../accounts/account-store.js';
import type { AuditLog } from '../accounts/audit-log.js';
import { normalisePhone } from '../accounts/phone.js';
import type { Csrf } from '../http/csrf.js';
import { HubError } from '../http/errors.js';
import type { SignedIn, SignedInAccount } from '../http/signed-in.js';
import type { AttendanceIntake } from '../record/attendance-intake.js';
import { INSTITUTION_KINDS, type Institution } from '../record/institution-store.js';
import { UnmatchedProblem } from '../record/unmatched-queue.js';
import { institutionJson } from './institution-json.js';
import { parseInput } from './validate.js';

const FIELDS = [
  'name',
  'phone',
  'idNumber',
  'cardNumber',
  'studentNumber',
  'courseCode',
  'courseName',
  'date',
  'start',
  'end',
  'status',
  'duration',
] as const;

const aliases = z.partialRecord(z.enum(FIELDS), z.array(z.string().min(1).max(100)).max(20));
const newInstitution = z.object({
  kind: z.enum(INSTITUTION_KINDS),
  code: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and - only'),
  name: z.string().trim().min(1).max(200),
  columnAliases: aliases.optional(),
});
const institutionChanges = newInstitution.omit({ code: true }).partial();
const codeParams = z.object({ code: z.string().min(1).max(64) });
const operatorBody = z.union([
  z.object({ accountId: z.string().min(1).max(36) }),
  z.object({ phone: z.string().min(1).max(32) }),
]);
const appBody = z.object({ clientId: z.string().min(1).max(191) });
const resolveBody = z.object({
  accountId: z.string().min(1).max(36),
  linkIdentity: z.boolean().default(false),
});
const idParams = z.object({ id: z.coerce.number().int().positive() });
const unmatchedQuery = z.object({
  institution: z.string().max(64).optional(),
  after: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});

/** The admin API: institutions, their operators and apps, the unmatched queue. */
export function adminRoutes(parts: {
  intake: AttendanceIntake;
  accounts: AccountStore;
  audit: AuditLog;
  signedIn: SignedIn;
  csrf: Csrf;
}): Router {
  const { intake, accounts, audit, csrf } = parts;
  const { institutions } = intake;
  const router = Router();
  router.use(
    '/api/admin',
    parts.signedIn.require({ roles: ['admin'] }),
    express.json({ limit: '64kb' }),
    (req: Request, _res: Response, next: NextFunction) => {
      if (!['GET', 'HEAD'].includes(req.method) && !csrf.isValid(req)) {
        throw new HubError(403, 'csrf_failed', 'The page has expired: reload it and try again.');
      }
      next();
    },
  );
  const admin = (res: Response) => res.locals.signedIn as SignedInAccount;

  async function existing(code: string): Promise<Institution> {
    const institution = await institutions.findByCode(code);
    if (!institution) {
      throw new HubError(404, 'institution_not_found', 'There is no such institution.');
    }
    return institution;
  }

  router.get('/api/admin/institutions', async (_req, res) => {
    res.json({ institutions: (await institutions.list()).map(institutionJson) });
  });

  router.post('/api/admin/institutions', async (req, res) => {
    const input = parseInput(newInstitution, req.body);
    if (await institutions.findByCode(input.code)) {
      throw new HubError(409, 'institution_exists', 'An institution with this code exists.');
    }
    const created = await institutions.create(input);
    await audit.write({
      action: 'institution.created',
      actorAccountId: admin(res).accountId,
      ip: req.ip,
      detail: { code: created.code, kind: created.kind },
    });
    res.status(201).json(institutionJson(created));
  });

  router.patch('/api/admin/institutions/:code', async (req, res) => {
    const { code } = parseInput(codeParams, req.params);
    await existing(code);
    const updated = await institutions.update(code, parseInput(institutionChanges, req.body));
    await audit.write({
      action: 'institution.updated',
      actorAccountId: admin(res).accountId,
      ip: req.ip,
      detail: { code },
    });
    res.json(institutionJson(updated ?? (await existing(code))));
  });

  router.delete('/api/admin/institutions/:code', async (req, res) => {
    const { code } = parseInput(codeParams, req.params);
    await existing(code);
    if (!(await institutions.deleteUnused(code))) {
      throw new HubError(
        409,
        'institution_in_use',
        'This institution has submissions; it stays so its record keeps its source.',
      );
    }
    await audit.write({
      action: 'institution.deleted',
      actorAccountId: admin(res).accountId,
      ip: req.ip,
      detail: { code },
    });
    res.status(204).end();
  });

  router.get('/api/admin/institutions/:code/operators', async (req, res) => {
    const institution = await existing(parseInput(codeParams, req.params).code);
    res.json({ operators: await institutions.operatorsOf(institution.id) });
  });

  router.post('/api/admin/institutions/:code/operators', async (req, res) => {
    const institution = await existing(parseInput(codeParams, req.params).code);
    const input = parseInput(operatorBody, req.body);
    const account =
      'accountId' in input
        ? await accounts.findById(input.accountId)
        : await accounts.findByIdentity('phone', normalisePhone(input.phone) ?? '');
    if (!account) throw new HubError(404, 'account_not_found', 'There is no such account.');
    if (account.role !== 'operator') {
      throw new HubError(
        409,
        'not_an_operator',
        'Only accounts with the operator role can belong to an institution.',
      );
    }
    await institutions.addOperator(institution.id, account.id);
    await audit.write({
      action: 'institution.operator_added',
      actorAccountId: admin(res).accountId,
      subjectAccountId: account.id,
      ip: req.ip,
      detail: { code: institution.code },
    });
    res.status(201).json({ accountId: account.id, institution: institution.code });
  });

  router.delete('/api/admin/institutions/:code/operators/:accountId', async (req, res) => {
    const institution = await existing(parseInput(codeParams, req.params).code);
    const accountId = String(req.params.accountId);
    if (!(await institutions.removeOperator(institution.id, accountId))) {
      throw new HubError(404, 'operator_not_found', 'This account is not an operator here.');
    }
    await audit.write({
      action: 'institution.operator_removed',
      actorAccountId: admin(res).accountId,
      subjectAccountId: accountId,
      ip: req.ip,
      detail: { code: institution.code },
    });
    res.status(204).end();
  });

  router.post('/api/admin/institutions/:code/apps', async (req, res) => {
    const institution = await existing(parseInput(codeParams, req.params).code);
    const { clientId } = parseInput(appBody, req.body);
    await institutions.bindApp(institution.id, clientId);
    await audit.write({
      action: 'institution.app_bound',
      actorAccountId: admin(res).accountId,
      ip: req.ip,
      detail: { code: institution.code, clientId },
    });
    res.status(201).json({ clientId, institution: institution.code });
  });

  router.post('/api/admin/submissions/:id/rerun', async (req, res) => {
    const { id } = parseInput(idParams, req.params);
    if (!(await intake.submissions.requeue(id))) {
      throw new HubError(
        409,
        'cannot_rerun',
        'The submission is being processed, or its kept file was deleted.',
      );
    }
    intake.queue.wake();
    res.status(202).json({ id, status: 'queued' });
  });

  router.get('/api/admin/accounts', async (req, res) => {
    const phone = normalisePhone(String(req.query.phone ?? ''));
    const id = typeof req.query.id === 'string' ? req.query.id : undefined;
    const account = phone
      ? await accounts.findByIdentity('phone', phone)
      : id
        ? await accounts.findById(id)
        : undefined;
    res.json({
      accounts: account ? [{ id: account.id, name: account.name, role: account.role }] : [],
    });
  });

  router.get('/api/admin/unmatched', async (req, res) => {
    const query = parseInput(unmatchedQuery, req.query);
    const institution = query.institution ? await existing(query.institution) : undefined;
    const entries = await intake.unmatched.list({
      institutionId: institution?.id,
      afterId: query.after,
      limit: query.limit,
    });
    res.set('Cache-Control', 'no-store').json({ unmatched: entries });
  });

  router.post('/api/admin/unmatched/:id/resolve', async (req, res) => {
    const { id } = parseInput(idParams, req.params);
    const input = parseInput(resolveBody, req.body);
    try {
      const resolution = await intake.unmatched.resolve({
        id,
        accountId: input.accountId,
        linkIdentity: input.linkIdentity,
        actorAccountId: admin(res).accountId,
        ip: req.ip,
      });
      res.json(resolution);
    } catch (error) {
      if (error instanceof UnmatchedProblem) {
        const status = { not_found: 404, unknown_account: 404, already_resolved: 409 }[
          error.code as 'not_found'
        ];
        throw new HubError(status ?? 409, error.code, error.message);
      }
      throw error;
    }
  });

  return router;
}
