import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knexFactory from 'knex';

export type DatabaseKind = 'sqlite' | 'mysql';
export type BenchDatabase = { kind: DatabaseKind; url: string; drop(): Promise<void> };

export const MYSQL_URL = process.env.BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/mysql';

function admin() {
  return knexFactory({ client: 'mysql2', connection: MYSQL_URL, pool: { min: 0, max: 1 } });
}

/** Why MySQL/MariaDB cannot be used, or undefined when it answers. */
export async function mysqlProblem(): Promise<string | undefined> {
  const knex = admin();
  try {
    await knex.raw('select 1');
    return undefined;
  } catch (error) {
    return (error as Error).message;
  } finally {
    await knex.destroy();
  }
}

/** A fresh, empty database for one bench run (`hub_bench_<pid>`), removed by `drop()`. */
export async function createBenchDatabase(kind: DatabaseKind): Promise<BenchDatabase> {
  const name = `hub_bench_${process.pid}`;
  if (kind === 'sqlite') {
    const file = join(tmpdir(), `${name}.sqlite`);
    const drop = async () => {
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
    };
    await drop();
    return { kind, url: `sqlite:${file}`, drop };
  }

  const knex = admin();
  await knex.raw(`DROP DATABASE IF EXISTS \`${name}\``);
  await knex.raw(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  await knex.destroy();
  const url = new URL(MYSQL_URL);
  url.pathname = `/${name}`;
  return {
    kind,
    url: url.href,
    async drop() {
      const again = admin();
      await again.raw(`DROP DATABASE IF EXISTS \`${name}\``);
      await again.destroy();
    },
  };
}
