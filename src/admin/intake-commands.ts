import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { AccountStore } from '../accounts/account-store.js';
import { AuditLog } from '../accounts/audit-log.js';
import { hashPassword, MIN_PASSWORD_LENGTH } from '../accounts/password.js';
import { normalisePhone } from '../accounts/phone.js';
import type { HubConfig } from '../config.js';
import type { Knex } from '../db/knex.js';
import { AttendanceIntake } from '../record/attendance-intake.js';
import {
  INSTITUTION_KINDS,
  type InstitutionKind,
  InstitutionStore,
} from '../record/institution-store.js';
import type { RowCounts, Submission } from '../record/submission-store.js';
import { institutionJson } from './institution-json.js';
import { submissionJson } from './submission-json.js';

/** A mistake in how a command was called; the `hub` command exits with `exitCode`. */
export class CommandError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

type Io = {
  print(json: boolean, value: unknown, text: string): void;
  readStdin(): Promise<string>;
};

export async function institutionsAdd(knex: Knex, args: string[], io: Io) {
  const { values } = parseArgs({
    args,
    options: {
      kind: { type: 'string' },
      code: { type: 'string' },
      name: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  if (!INSTITUTION_KINDS.includes(values.kind as InstitutionKind)) {
    throw new CommandError(`--kind must be one of ${INSTITUTION_KINDS.join(', ')}`);
  }
  if (!values.code || !/^[A-Za-z0-9_-]{1,64}$/.test(values.code)) {
    throw new CommandError('--code is needed: letters, digits, _ and - (at most 64)');
  }
  if (!values.name?.trim()) throw new CommandError('institutions add needs --name');

  const institutions = new InstitutionStore(knex);
  if (await institutions.findByCode(values.code)) {
    throw new CommandError(`an institution with code ${values.code} exists already`);
  }
  const institution = await institutions.create({
    kind: values.kind as InstitutionKind,
    code: values.code,
    name: values.name.trim(),
  });
  await new AuditLog(knex).write({
    action: 'institution.created',
    detail: { via: 'cli', code: institution.code, kind: institution.kind },
  });
  io.print(
    values.json,
    institutionJson(institution),
    `institution ${institution.code} (${institution.kind}) ${institution.name}`,
  );
}

export async function institutionsList(knex: Knex, args: string[], io: Io) {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean', default: false } } });
  const institutions = new InstitutionStore(knex);
  const list = await institutions.list();
  const text = list
    .map((institution) => `${institution.code}  ${institution.kind}  ${institution.name}`)
    .join('\n');
  io.print(values.json, list.map(institutionJson), text || 'no institutions');
}

/**
 * Makes an account an operator of an institution: an existing operator account found by its
 * phone, or a new one with the password read from stdin.
 */
export async function operatorsAdd(knex: Knex, args: string[], io: Io) {
  const { values } = parseArgs({
    args,
    options: {
      institution: { type: 'string' },
      phone: { type: 'string' },
      name: { type: 'string' },
      'password-stdin': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  const phone = normalisePhone(values.phone ?? '');
  if (!phone) throw new CommandError('operators add needs a valid --phone');
  const institutions = new InstitutionStore(knex);
  const institution = await institutions.findByCode(values.institution ?? '');
  if (!institution) throw new CommandError('--institution must name an existing institution');

  const accounts = new AccountStore(knex);
  const audit = new AuditLog(knex);
  let account = await accounts.findByIdentity('phone', phone);
  if (account && account.role !== 'operator') {
    throw new CommandError(`the account with this phone is a ${account.role}, not an operator`);
  }
  if (!account) {
    if (!values['password-stdin']) {
      throw new CommandError('no account has this phone: pass a password with --password-stdin');
    }
    const password = await io.readStdin();
    if (password.length < MIN_PASSWORD_LENGTH) {
      throw new CommandError(`the password needs at least ${MIN_PASSWORD_LENGTH} characters`);
    }
    account = await accounts.create({
      name: values.name ?? null,
      role: 'operator',
      passwordHash: await hashPassword(password),
      identities: [{ provider: 'phone', subject: phone, verified: true }],
    });
    await audit.write({
      action: 'account.created',
      subjectAccountId: account.id,
      provider: 'phone',
      detail: { via: 'cli', role: 'operator' },
    });
  }
  await institutions.addOperator(institution.id, account.id);
  await audit.write({
    action: 'institution.operator_added',
    subjectAccountId: account.id,
    detail: { via: 'cli', code: institution.code },
  });
  io.print(
    values.json,
    { accountId: account.id, institution: institution.code },
    `operator ${account.id} of ${institution.code}`,
  );
}

function progressBar(counts: RowCounts, total: number) {
  const done = Math.min(1, counts.read / Math.max(total, 1));
  const width = 30;
  const filled = Math.round(done * width);
  return (
    `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${counts.read} rows` +
    `  imported ${counts.imported}  duplicate ${counts.duplicate}` +
    `  rejected ${counts.rejected}  unmatched ${counts.unmatched}`
  );
}

/**
 * Submits a file for an institution and processes it right here, the same way an upload is
 * processed. Exit code 0 when the file was processed (whatever its rows became), 3 when the
 * file itself was refused, 1 when processing failed.
 */
export async function importFile(
  knex: Knex,
  config: HubConfig,
  args: string[],
  io: Io,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      institution: { type: 'string' },
      sheet: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const [path] = positionals;
  if (!path || positionals.length > 1) throw new CommandError('import needs exactly one FILE');
  const size = await stat(path).then(
    (info) => info.size,
    () => undefined,
  );
  if (size === undefined) throw new CommandError(`cannot read ${path}`);

  const log = pino({ level: 'warn' }, pino.destination(2));
  const intake = await AttendanceIntake.create(knex, config, log);
  const institution = await intake.institutions.findByCode(values.institution ?? '');
  if (!institution) throw new CommandError('--institution must name an existing institution');

  const { submission, created } = await intake.submit({
    institution,
    originalName: basename(path),
    content: createReadStream(path),
    sheet: values.sheet,
  });

  let result: Submission | undefined = submission;
  if (created) {
    // Rows per byte is unknown before reading; the bar tracks bytes' worth of rows loosely.
    const showProgress = process.stderr.isTTY && !values.json;
    const estimate = Math.max(1, Math.round(size / 80));
    result = await intake.processor.process(submission.id, (counts) => {
      if (showProgress) process.stderr.write(progressBar(counts, Math.max(estimate, counts.read)));
    });
    if (showProgress) process.stderr.write('\n');
  }
  if (!result) throw new Error(`submission ${submission.id} vanished`);

  const json = { ...submissionJson(institution, result), recognised: !created };
  const { counts } = result;
  const lines = [
    `submission ${result.id}: ${result.status}${created ? '' : ' (this file was submitted before)'}`,
    `rows read ${counts.read}: imported ${counts.imported}, duplicate ${counts.duplicate}, ` +
      `rejected ${counts.rejected}, unmatched ${counts.unmatched}`,
    ...(result.error ? [`${result.error.code}: ${result.error.message}`] : []),
  ];
  io.print(values.json, json, lines.join('\n'));
  if (result.status === 'refused') return 3;
  if (result.status === 'failed') return 1;
  return 0;
}
