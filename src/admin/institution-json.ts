import type { Institution } from '../record/institution-store.js';

/** An institution as the API, the console and `hub institutions list --json` show it. */
export function institutionJson(institution: Institution) {
  return {
    code: institution.code,
    kind: institution.kind,
    name: institution.name,
    columnAliases: institution.columnAliases,
    createdAt: new Date(institution.createdAt).toISOString(),
  };
}
