import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knexFactory from 'knex';

export type DatabaseKind = 'sqlite' | 'mysql';

export type ScratchDatabase = { kind: DatabaseKind; url: string; drop(): Promise<void> };

function admin(mysqlUrl: string) {
  return knexFactory({ client: 'mysql2', connection: mysqlUrl, pool: { min: 0, max: 1 } });
}

/** Why the MySQL/MariaDB server at `mysqlUrl` cannot be used, or undefined when it answers. */
export async function mysqlProblem(mysqlUrl: string): Promise<string | undefined> {
  const knex = admin(mysqlUrl);
  try {
    await knex.raw('select 1');
    return undefined;
  } catch (error) {
    return (error as Error).message;
  } finally {
    await knex.destroy();
  }
}

/**
 * An empty database named `name`, removed by `drop()`: a temporary SQLite file, or a database
 * created on the server at `mysqlUrl`. Whatever a crashed earlier run left under the same name
 * is removed first.
 */
export async function createScratchDatabase(
  kind: DatabaseKind,
  name: string,
  mysqlUrl: string,
): Promise<ScratchDatabase> {
  if (kind === 'sqlite') {
    const file = join(tmpdir(), `${name}.sqlite`);
    const drop = async () => {
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
    };
    await drop();
    return { kind, url: `sqlite:${file}`, drop };
  }

  const drop = async () => {
    const knex = admin(mysqlUrl);
    await knex.raw(`DROP DATABASE IF EXISTS \`${name}\``);
    await knex.destroy();
  };
  await drop();
  const knex = admin(mysqlUrl);
  await knex.raw(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  await knex.destroy();

  const url = new URL(mysqlUrl);
  url.pathname = `/${name}`;
  return { kind, url: url.href, drop };
}
