import {
  createScratchDatabase,
  type DatabaseKind,
  mysqlProblem as probeMysql,
  type ScratchDatabase,
} from '../test/helpers/scratch-database.js';

export type { DatabaseKind };
export type BenchDatabase = ScratchDatabase;

export const MYSQL_URL = process.env.BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/mysql';

/** Why MySQL/MariaDB cannot be used, or undefined when it answers. */
export function mysqlProblem(): Promise<string | undefined> {
  return probeMysql(MYSQL_URL);
}

/** A fresh, empty database for one bench run (`hub_bench_<pid>`), removed by `drop()`. */
export function createBenchDatabase(kind: DatabaseKind): Promise<BenchDatabase> {
  return createScratchDatabase(kind, `hub_bench_${process.pid}`, MYSQL_URL);
}
