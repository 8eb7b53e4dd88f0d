/**
 * True when a write failed on a unique index: SQLite says SQLITE_CONSTRAINT_UNIQUE (or
 * SQLITE_CONSTRAINT_PRIMARYKEY), MySQL and MariaDB say ER_DUP_ENTRY (errno 1062).
 */
export function isUniqueViolation(error: unknown): boolean {
  const { code, errno } = error as { code?: string; errno?: number };
  return (
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    code === 'ER_DUP_ENTRY' ||
    errno === 1062
  );
}
