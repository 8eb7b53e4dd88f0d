import cron, { type ScheduledTask } from 'node-cron';
import type { Knex } from '../src/db/knex.js';
import { KnexRunCoordinator } from '../src/db/run-coordinator.js';
import type { Logger } from '../src/log.js';
import type { Job } from './job.js';

const LEASE_MS = 15 * 60_000;

/**
 * Schedules the jobs in this process. Every hub process schedules them; the database run
 * coordinator lets exactly one of them run each slot, and a run still going is not
 * started again.
 */
export function startScheduler(knex: Knex, log: Logger, jobs: Job[]) {
  const coordinator = new KnexRunCoordinator(knex);

  const tasks: ScheduledTask[] = jobs.map((job) =>
    cron.schedule(
      job.cron,
      async (context) => {
        const started = Date.now();
        try {
          const counts = await job.run({ knex, log, now: context.date });
          log.info({ job: job.name, ms: Date.now() - started, ...counts }, 'job.finished');
        } catch (error) {
          log.error({ job: job.name, err: error }, 'job.failed');
        }
      },
      {
        name: job.name,
        noOverlap: true,
        distributed: true,
        runCoordinator: coordinator,
        distributedLease: LEASE_MS,
        unref: true,
      },
    ),
  );

  return {
    coordinator,
    async stop() {
      await Promise.all(tasks.map((task) => task.stop()));
    },
  };
}
