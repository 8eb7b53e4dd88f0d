import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import type * as oidc from 'openid-client';
import { UserAgent } from '../test/helpers/user-agent.js';
import { runAttendanceBench } from './attendance/run-attendance.js';
import { createBenchDatabase, type DatabaseKind, mysqlProblem } from './bench-database.js';
import { startChild } from './children.js';
import { type LoadOptions, type Operation, runLoad } from './load.js';
import { machineInfo } from './machine.js';
import { cpuSeconds, peakRssMiB, resetPeakRss } from './process-stats.js';
import { appConfiguration } from './relying-party.js';
import { formatTable, type Row, writeJson } from './report.js';
import { argon2Verify } from './scenarios/argon2-verify.js';
import { clientCredentials } from './scenarios/client-credentials.js';
import { logIn, passwordLogin } from './scenarios/password-login.js';
import { refreshGrant } from './scenarios/refresh-grant.js';
import { silentCodeFlow } from './scenarios/silent-code-flow.js';
import { benchApps, benchParents, seedHubDatabase } from './seed.js';

// `npm run bench -- attendance [--quick]` runs the attendance intake scenario instead.
if (process.argv.slice(2).includes('attendance')) {
  await runAttendanceBench({ quick: process.argv.includes('--quick') });
  process.exit(0);
}

const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 32);
const load: LoadOptions = {
  concurrency,
  warmupMs: 2000,
  durationMs: Number(process.env.BENCH_SECONDS ?? 5) * 1000,
  maxOps: 100_000,
};
const wanted = (process.env.BENCH_DATABASES ?? 'sqlite,mysql').split(',') as DatabaseKind[];

const apps = benchApps();
const parents = benchParents(concurrency);
const rows: Row[] = [];

function log(message: string) {
  process.stderr.write(`bench: ${message}\n`);
}

/** Runs one scenario against one process and records it, with that process's peak RSS. */
async function measure(
  scenario: string,
  subject: string,
  pid: number,
  makeOperation: (user: number) => Promise<Operation>,
): Promise<Row> {
  log(`${scenario} — ${subject}`);
  resetPeakRss(pid);
  const cpu = { subject: [0, 0], driver: [0, 0], load: 0 };
  const result = await runLoad(load, makeOperation, {
    atStart() {
      cpu.subject[0] = cpuSeconds(pid);
      cpu.driver[0] = cpuSeconds(process.pid);
      cpu.load = loadavg()[0] ?? 0;
    },
    atEnd() {
      cpu.subject[1] = cpuSeconds(pid);
      cpu.driver[1] = cpuSeconds(process.pid);
    },
  });
  const used = (pair: number[]) => (pair[1] ?? 0) - (pair[0] ?? 0);
  const row: Row = {
    scenario,
    subject,
    ...result,
    cpuMsPerOp: (used(cpu.subject) * 1000) / result.ops,
    subjectCores: used(cpu.subject) / result.seconds,
    driverCores: used(cpu.driver) / result.seconds,
    hostLoad1m: cpu.load,
    peakRssMiB: peakRssMiB(pid),
  };
  if (result.firstError) log(`  ${result.errors} errors, first: ${result.firstError}`);
  rows.push(row);
  return row;
}

function compare(row: Row, baseline: Row, target: string, met: (ratio: number) => boolean) {
  row.baseline = { subject: baseline.subject, rate: baseline.rate };
  row.ratio = row.rate / baseline.rate;
  row.target = target;
  row.met = row.errors === 0 && met(row.ratio);
}

const problem = wanted.includes('mysql') ? await mysqlProblem() : undefined;
if (problem) log(`!! MySQL/MariaDB unreachable (${problem}); MySQL runs SKIPPED`);
const kinds = wanted.filter((kind) => kind === 'sqlite' || (kind === 'mysql' && !problem));
const started = new Date();

const argon2 = await argon2Verify();
const bare = await startChild<{ url: string }>('bare-provider', {
  BENCH_CLIENTS: JSON.stringify([apps.first.metadata, apps.machine.metadata]),
});
const barePid = bare.process.pid ?? 0;
const bareFirst = await appConfiguration(bare.ready.url, apps.first);
const bareMachine = await appConfiguration(bare.ready.url, apps.machine);

// Each baseline is measured right before the hub figure it is compared with, so both see the
// same machine: other work on a shared host changes the rates by more than the ratios.
for (const kind of kinds) {
  const database = await createBenchDatabase(kind);
  try {
    await seedHubDatabase(database.url, apps, parents);
    const hub = await startChild<{ url: string }>('hub-process', {
      DATABASE_URL: database.url,
      HUB_SEED_DEMO: 'false',
      LOG_LEVEL: 'silent',
    });
    try {
      const pid = hub.process.pid ?? 0;
      const subject = `hub on ${kind}`;
      const bareName = `bare oidc-provider (memory), for ${kind}`;
      const config = (app: typeof apps.first): Promise<oidc.Configuration> =>
        appConfiguration(hub.ready.url, app);
      const [first, second, machine] = await Promise.all([
        config(apps.first),
        config(apps.second),
        config(apps.machine),
      ]);

      const floor = await measure(
        'argon2id verify',
        `argon2 in bench process, for ${kind}`,
        process.pid,
        argon2,
      );
      const login = await measure(
        'password login',
        subject,
        pid,
        passwordLogin(first, apps.first, parents),
      );
      compare(login, floor, '≥ 80 % of argon2id', (ratio) => ratio >= 0.8);

      await measure(
        'silent 2nd-app code flow',
        subject,
        pid,
        silentCodeFlow(first, apps.first, second, apps.second, parents),
      );

      let bareTokens: Promise<{ refreshTokens: string[] }> | undefined;
      const bareRefresh = await measure(
        'refresh grant',
        bareName,
        barePid,
        refreshGrant(bareFirst, async (user) => {
          bareTokens ??= bare.ask<{ refreshTokens: string[] }>({ mint: concurrency });
          const token = (await bareTokens).refreshTokens[user];
          if (!token) throw new Error(`no refresh token for virtual user ${user}`);
          return token;
        }),
      );
      // The hub's refresh tokens come from real password logins (untimed set-up).
      const refresh = await measure(
        'refresh grant',
        subject,
        pid,
        refreshGrant(first, async (user) => {
          const parent = parents[user];
          if (!parent) throw new Error(`no parent for virtual user ${user}`);
          const tokens = await logIn(new UserAgent(), first, apps.first, parent);
          if (!tokens.refresh_token) throw new Error('login gave no refresh token');
          return tokens.refresh_token;
        }),
      );
      compare(
        refresh,
        bareRefresh,
        '≥ 600/s and ≥ 70 % of bare',
        (ratio) => refresh.rate >= 600 && ratio >= 0.7,
      );

      const bareMachineGrant = await measure(
        'client credentials',
        bareName,
        barePid,
        clientCredentials(bareMachine),
      );
      const machineGrant = await measure(
        'client credentials',
        subject,
        pid,
        clientCredentials(machine),
      );
      compare(machineGrant, bareMachineGrant, '≥ 1000/s', () => machineGrant.rate >= 1000);
    } finally {
      await hub.stop();
    }
  } finally {
    await database.drop();
  }
}
await bare.stop();

const order = [
  'argon2id verify',
  'password login',
  'silent 2nd-app code flow',
  'refresh grant',
  'client credentials',
];
rows.sort((a, b) => order.indexOf(a.scenario) - order.indexOf(b.scenario));

process.stdout.write(`\n${formatTable(rows)}\n\n`);
const file = resolve('bench/results/latest.json');
writeJson(file, {
  startedAt: started.toISOString(),
  finishedAt: new Date().toISOString(),
  machine: await machineInfo(kinds.includes('mysql')),
  load,
  skipped: problem ? { mysql: problem } : undefined,
  results: rows,
});
log(`wrote ${file}`);
