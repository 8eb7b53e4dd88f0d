import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openDatabase } from '../../src/db/knex.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { writeGeneratedAttendance } from '../../src/intake/generate-attendance.js';
import { InstitutionStore } from '../../src/record/institution-store.js';
import { createBenchDatabase, type DatabaseKind, mysqlProblem } from '../bench-database.js';
import { startChild } from '../children.js';
import { machineInfo } from '../machine.js';
import { peakRssMiB, resetPeakRss } from '../process-stats.js';
import { writeJson } from '../report.js';
import { benchPersons, seedInstitution, seedParents } from './attendance-seed.js';
import { plainInsert } from './plain-insert.js';
import { appToken, settled, uploadFile } from './upload.js';

type FileSpec = {
  name: string;
  rows: number;
  format: 'csv' | 'xlsx';
  encoding?: 'utf-8' | 'gb18030';
};

export type AttendanceRow = {
  scenario: string;
  subject: string;
  rows: number;
  seconds: number;
  rate: number;
  baselineRate?: number;
  ratio?: number;
  peakRssMiB?: number;
  target: string;
  met?: boolean;
  counts?: Record<string, number>;
};

const PARENTS = 5000;
const UNMATCHED_SHARE = 0.05;

function files(quick: boolean): FileSpec[] {
  const [small, large] = quick ? [10_000, 100_000] : [100_000, 1_000_000];
  const label = (rows: number) => (rows >= 1_000_000 ? `${rows / 1_000_000}M` : `${rows / 1000}k`);
  return [
    { name: `CSV UTF-8 ${label(small)}`, rows: small, format: 'csv', encoding: 'utf-8' },
    { name: `CSV GBK ${label(small)}`, rows: small, format: 'csv', encoding: 'gb18030' },
    { name: `XLSX ${label(small)}`, rows: small, format: 'xlsx' },
    { name: `CSV UTF-8 ${label(large)}`, rows: large, format: 'csv', encoding: 'utf-8' },
    { name: `CSV GBK ${label(large)}`, rows: large, format: 'csv', encoding: 'gb18030' },
  ];
}

function log(message: string) {
  process.stderr.write(`bench: ${message}\n`);
}

/**
 * Attendance intake end to end: each generated file is uploaded over HTTP by the
 * institution's app to a hub child process and timed until it is accounted for; right
 * before, the same rows go into the same database with a plain knex batch insert. Then the
 * largest file is uploaded again, which must be recognised by its hash.
 */
export async function runAttendanceBench(options: { quick: boolean }) {
  const wanted = (process.env.BENCH_DATABASES ?? 'sqlite,mysql').split(',') as DatabaseKind[];
  const problem = wanted.includes('mysql') ? await mysqlProblem() : undefined;
  if (problem) log(`!! MySQL/MariaDB unreachable (${problem}); MySQL runs SKIPPED`);
  const kinds = wanted.filter((kind) => kind === 'sqlite' || (kind === 'mysql' && !problem));
  const started = new Date();
  const work = mkdtempSync(join(tmpdir(), 'hub-bench-attendance-'));
  const rows: AttendanceRow[] = [];

  try {
    const specs = files(options.quick);
    const persons = benchPersons(PARENTS);
    const paths = new Map<string, string>();
    for (const [index, spec] of specs.entries()) {
      const path = join(work, `file-${index}.${spec.format}`);
      log(`generating ${spec.name}`);
      await writeGeneratedAttendance(path, { ...spec, persons, seed: index + 1 });
      paths.set(spec.name, path);
    }

    for (const kind of kinds) {
      rows.push(...(await benchDatabase(kind, specs, paths, work)));
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }

  process.stdout.write(`\n${formatAttendanceTable(rows)}\n\n`);
  const file = resolve('bench/results/attendance.json');
  writeJson(file, {
    startedAt: started.toISOString(),
    finishedAt: new Date().toISOString(),
    machine: await machineInfo(kinds.includes('mysql')),
    quick: options.quick,
    parents: PARENTS,
    unmatchedShare: UNMATCHED_SHARE,
    skipped: problem ? { mysql: problem } : undefined,
    results: rows,
  });
  log(`wrote ${file}`);
}

async function benchDatabase(
  kind: DatabaseKind,
  specs: FileSpec[],
  paths: Map<string, string>,
  work: string,
): Promise<AttendanceRow[]> {
  const out: AttendanceRow[] = [];
  const database = await createBenchDatabase(kind);
  const knex = openDatabase(database.url);
  try {
    await migrateToLatest(knex);
    log(`seeding ${PARENTS} parents on ${kind}`);
    await seedParents(knex, PARENTS, UNMATCHED_SHARE);
    const hub = await startChild<{ url: string }>('hub-process', {
      DATABASE_URL: database.url,
      HUB_SEED_DEMO: 'false',
      HUB_JOBS_ENABLED: 'false',
      LOG_LEVEL: 'silent',
      INTAKE_STORAGE_DIR: join(work, `kept-${kind}`),
      // The 1M-row files are larger than the 50 MB default.
      INTAKE_MAX_UPLOAD_BYTES: String(1024 * 1024 * 1024),
    });
    const pid = hub.process.pid ?? 0;
    try {
      let last: { code: string; token: string; path: string } | undefined;
      for (const [index, spec] of specs.entries()) {
        const path = paths.get(spec.name) ?? '';
        const csv = spec.format === 'csv';

        log(`${spec.name} — plain knex batch insert on ${kind}`);
        const baselineCode = `BASE-${index}`;
        await seedInstitution(knex, baselineCode);
        const baselineInstitution = await new InstitutionStore(knex).findByCode(baselineCode);
        if (!baselineInstitution) throw new Error(`institution ${baselineCode} is missing`);
        const [activityId] = await knex('activities').insert({
          institution_id: baselineInstitution.id,
          kind: 'offline_class',
          course_key: 'baseline',
          first_seen: Date.now(),
        });
        const baseline = await plainInsert(knex, path, baselineInstitution, Number(activityId));
        const baselineRate = baseline.rows / baseline.seconds;
        out.push({
          scenario: spec.name,
          subject: `plain knex batch insert, ${kind}`,
          rows: baseline.rows,
          seconds: baseline.seconds,
          rate: baselineRate,
          target: '—',
        });

        log(`${spec.name} — hub on ${kind}`);
        const code = `FILE-${index}`;
        const institution = await seedInstitution(knex, code);
        const token = await appToken(hub.ready.url, institution);
        resetPeakRss(pid);
        const began = performance.now();
        const accepted = await uploadFile(hub.ready.url, code, token, path);
        const done = await settled(hub.ready.url, token, accepted);
        const seconds = (performance.now() - began) / 1000;
        const rate = done.counts.read / seconds;
        const floor = kind === 'sqlite' ? 50_000 : 30_000;
        const rss = peakRssMiB(pid);
        const bigFile = spec.rows >= 1_000_000;
        const ratio = rate / baselineRate;
        out.push({
          scenario: spec.name,
          subject: `hub on ${kind} (upload → accounted)`,
          rows: done.counts.read,
          seconds,
          rate,
          baselineRate,
          ratio,
          peakRssMiB: rss,
          target: csv
            ? `≥ ${floor / 1000}k/s, ≥ 40 %${bigFile ? ', RSS < 300' : ''}`
            : '≥ 40 % of plain insert',
          met:
            done.status === 'done' &&
            ratio >= 0.4 &&
            (!csv || rate >= floor) &&
            (!bigFile || (rss ?? 0) < 300),
          counts: done.counts,
        });
        if (done.status !== 'done') log(`  ${done.status}: ${JSON.stringify(done.error)}`);
        if (csv) last = { code, token, path };
      }

      if (last) {
        log(`re-submitting the largest file on ${kind}`);
        const began = performance.now();
        const again = await uploadFile(hub.ready.url, last.code, last.token, last.path);
        const seconds = (performance.now() - began) / 1000;
        out.push({
          scenario: `${specs.at(-1)?.name ?? ''} again (same file)`,
          subject: `hub on ${kind}, recognised: ${again.recognised === true}`,
          rows: again.counts.read,
          seconds,
          rate: Number.NaN,
          target: '< 2 s',
          met: again.recognised === true && seconds < 2,
        });
      }
    } finally {
      await hub.stop();
    }
  } finally {
    await knex.destroy();
    await database.drop();
  }
  return out;
}

const fixed = (value: number | undefined, digits = 0) =>
  value === undefined || Number.isNaN(value) ? '—' : value.toFixed(digits);

export function formatAttendanceTable(rows: AttendanceRow[]): string {
  const header = [
    'file',
    'subject',
    'rows',
    'seconds',
    'rows/s',
    'baseline rows/s',
    'ratio',
    'peak RSS MiB',
    'target',
    'met',
  ];
  const lines = rows.map((row) => [
    row.scenario,
    row.subject,
    String(row.rows),
    fixed(row.seconds, 2),
    fixed(row.rate),
    fixed(row.baselineRate),
    row.ratio === undefined ? '—' : `${fixed(row.ratio * 100)} %`,
    fixed(row.peakRssMiB),
    row.target,
    row.met === undefined ? '—' : row.met ? 'yes' : 'NO',
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...lines.map((line) => (line[column] ?? '').length)),
  );
  const render = (cells: string[]) =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ')} |`;
  return [
    render(header),
    render(widths.map((width) => '-'.repeat(width))),
    ...lines.map(render),
  ].join('\n');
}
