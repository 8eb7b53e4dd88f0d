import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knexFactory from 'knex';

export type TestDatabase = { kind: 'sqlite' | 'mysql'; url: string; drop(): Promise<void> };

const MYSQL_URL = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';

async function probeMysql(): Promise<string | undefined> {
  const knex = knexFactory({ client: 'mysql2', connection: MYSQL_URL, pool: { min: 0, max: 1 } });
  try {
    await knex.raw('select 1');
    return undefined;
  } catch (error) {
    return (error as Error).message;
  } finally {
    await knex.destroy();
  }
}

const mysqlProblem = await probeMysql();

if (mysqlProblem) {
  // CI must prove both databases; a developer without MySQL still gets the SQLite runs.
  if (process.env.CI) {
    throw new Error(`MySQL/MariaDB at TEST_MYSQL_URL is unreachable in CI: ${mysqlProblem}`);
  }
  process.stderr.write(
    `\n  !! MySQL/MariaDB unreachable (${mysqlProblem}).\n` +
      '  !! Storage tests ran on SQLite only; MySQL runs were SKIPPED.\n' +
      '  !! Start MariaDB or set TEST_MYSQL_URL to run them.\n\n',
  );
}

export const databaseKinds: Array<'sqlite' | 'mysql'> = mysqlProblem
  ? ['sqlite']
  : ['sqlite', 'mysql'];

/** A fresh, empty database of the given kind, dropped by `drop()`. */
export async function createTestDatabase(kind: 'sqlite' | 'mysql'): Promise<TestDatabase> {
  const name = `hub_t_${process.pid}_${randomBytes(4).toString('hex')}`;
  if (kind === 'sqlite') {
    const file = join(tmpdir(), `${name}.sqlite`);
    return {
      kind,
      url: `sqlite:${file}`,
      async drop() {
        for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
      },
    };
  }

  const admin = knexFactory({ client: 'mysql2', connection: MYSQL_URL, pool: { min: 0, max: 1 } });
  await admin.raw(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  await admin.destroy();
  const url = new URL(MYSQL_URL);
  url.pathname = `/${name}`;
  return {
    kind,
    url: url.href,
    async drop() {
      const again = knexFactory({
        client: 'mysql2',
        connection: MYSQL_URL,
        pool: { min: 0, max: 1 },
      });
      await again.raw(`DROP DATABASE IF EXISTS \`${name}\``);
      await again.destroy();
    },
  };
}

/**
 * Declares the suite once per database kind: "<title> on sqlite", "<title> on mysql".
 * `db()` gives the suite's fresh database inside hooks and tests.
 */
export function describeOnEachDatabase(title: string, body: (db: () => TestDatabase) => void) {
  for (const kind of databaseKinds) {
    describe(`${title} on ${kind}`, () => {
      let database: TestDatabase | undefined;
      before(async () => {
        database = await createTestDatabase(kind);
      });
      after(async () => {
        await database?.drop();
      });
      body(() => {
        if (!database) throw new Error('database not ready');
        return database;
      });
    });
  }
}
