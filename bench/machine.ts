import { availableParallelism, cpus, release, totalmem } from 'node:os';
import knexFactory from 'knex';
import { MYSQL_URL } from './bench-database.js';

/** What the figures were measured on, recorded beside them. */
export async function machineInfo(withMysql: boolean) {
  let mysqlVersion: string | undefined;
  if (withMysql) {
    const knex = knexFactory({ client: 'mysql2', connection: MYSQL_URL, pool: { min: 0, max: 1 } });
    const [rows] = (await knex.raw('select version() as v')) as [Array<{ v: string }>];
    mysqlVersion = rows[0]?.v;
    await knex.destroy();
  }
  return {
    cpuModel: cpus()[0]?.model ?? 'unknown',
    cores: availableParallelism(),
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${process.platform} ${release()}`,
    uvThreadpoolSize: Number(process.env.UV_THREADPOOL_SIZE ?? 4),
    mysqlVersion,
  };
}
