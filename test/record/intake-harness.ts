import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import iconv from 'iconv-lite';
import { pino } from 'pino';
import { AccountStore } from '../../src/accounts/account-store.js';
import type { Knex } from '../../src/db/knex.js';
import { AttendanceIntake, type IntakeSettings } from '../../src/record/attendance-intake.js';
import {
  type Institution,
  type InstitutionKind,
  institutionProvider,
} from '../../src/record/institution-store.js';
import type { Submission } from '../../src/record/submission-store.js';

export const HEADER = '姓名,手机号,就诊卡号,身份证号,课程编号,课程名称,上课日期,开始时间,签到状态';

/** An attendance row as a hospital's export has it; fields left out stay empty. */
export function csvRow(row: {
  name?: string;
  phone?: string;
  card?: string;
  idNumber?: string;
  course?: string;
  courseName?: string;
  date?: string;
  start?: string;
  status?: string;
}): string {
  return [
    row.name ?? '张三',
    row.phone ?? '',
    row.card ?? '',
    row.idNumber ?? '',
    row.course ?? 'C101',
    row.courseName ?? '孕期营养',
    row.date ?? '2026-03-01',
    row.start ?? '09:00',
    row.status ?? '出勤',
  ].join(',');
}

export function csvFile(rows: string[], encoding: 'utf-8' | 'gbk' = 'utf-8'): Buffer {
  const text = `${[HEADER, ...rows].join('\r\n')}\r\n`;
  return encoding === 'gbk' ? iconv.encode(text, 'gbk') : Buffer.from(text, 'utf8');
}

export function intakeSettings(overrides: Partial<IntakeSettings> = {}): IntakeSettings {
  return {
    INTAKE_STORAGE_DIR: mkdtempSync(join(tmpdir(), 'hub-submissions-')),
    INTAKE_MAX_UPLOAD_BYTES: 50 * 1024 * 1024,
    INTAKE_MAX_ROWS: 2_000_000,
    INTAKE_MAX_XLSX_UNPACKED_BYTES: 500 * 1024 * 1024,
    INTAKE_MAX_XLSX_ENTRIES: 10_000,
    INTAKE_UTC_OFFSET: '+08:00',
    INTAKE_BATCH_ROWS: 1000,
    INTAKE_RETENTION_DAYS: 365,
    ...overrides,
  };
}

export function createIntake(knex: Knex, overrides: Partial<IntakeSettings> = {}) {
  return AttendanceIntake.create(knex, intakeSettings(overrides), pino({ level: 'silent' }));
}

let sequence = 0;

export async function createInstitution(
  intake: AttendanceIntake,
  kind: InstitutionKind = 'hospital',
): Promise<Institution> {
  sequence += 1;
  return intake.institutions.create({
    kind,
    code: `T${process.pid}-${sequence}`,
    name: `测试机构 ${sequence}`,
  });
}

/** A parent with a verified phone, and optionally a card number linked at the institution. */
export async function createParent(
  knex: Knex,
  input: {
    phone?: string;
    verified?: boolean;
    card?: { institution: Institution; number: string };
  },
) {
  const identities = [];
  if (input.phone) {
    identities.push({ provider: 'phone', subject: input.phone, verified: input.verified ?? true });
  }
  if (input.card) {
    identities.push({
      provider: institutionProvider(input.card.institution.code),
      subject: input.card.number,
      verified: true,
    });
  }
  return new AccountStore(knex).create({ name: '家长', identities });
}

/** Submits a file as an upload would and processes it in this process. */
export async function submitAndProcess(
  intake: AttendanceIntake,
  institution: Institution,
  content: Buffer,
  fileName = '签到表.csv',
): Promise<{ submission: Submission; created: boolean }> {
  const { submission, created } = await intake.submit({
    institution,
    originalName: fileName,
    content: Readable.from([content]),
  });
  if (!created) return { submission, created };
  const processed = await intake.processor.process(submission.id);
  if (!processed) throw new Error('the submission vanished');
  return { submission: processed, created };
}

export async function eventCount(knex: Knex, where: Record<string, unknown> = {}) {
  const row = await knex('learning_events').where(where).count({ n: '*' }).first();
  return Number(row?.n ?? 0);
}

export function accounted(submission: Submission): boolean {
  const { read, imported, duplicate, rejected, unmatched } = submission.counts;
  return imported + duplicate + rejected + unmatched === read;
}
