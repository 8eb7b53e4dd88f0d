import { randomBytes } from 'node:crypto';
import {
  createScratchDatabase,
  type DatabaseKind,
  mysqlProblem as probeMysql,
  type ScratchDatabase,
} from './scratch-database.js';

export type TestDatabase = ScratchDatabase;

const MYSQL_URL = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';

const mysqlProblem = await probeMysql(MYSQL_URL);

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

export const databaseKinds: DatabaseKind[] = mysqlProblem ? ['sqlite'] : ['sqlite', 'mysql'];

/** A fresh, empty database of the given kind, dropped by `drop()`. */
export function createTestDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  return createScratchDatabase(
    kind,
    `hub_t_${process.pid}_${randomBytes(4).toString('hex')}`,
    MYSQL_URL,
  );
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
