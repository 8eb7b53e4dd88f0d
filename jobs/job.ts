import type { Knex } from '../src/db/knex.js';
import type { Logger } from '../src/log.js';

export type JobContext = { knex: Knex; log: Logger; now: Date };

/** A scheduled task: a cron expression and a run that returns the counts it logs. */
export type Job = {
  name: string;
  cron: string;
  run(context: JobContext): Promise<Record<string, number>>;
};
