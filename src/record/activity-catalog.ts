import type { Knex } from '../db/knex.js';

/**
 * The catalog of activities an institution's files name. A course seen for the first time
 * joins it as an offline class, unclassified until an admin decides what it counts for.
 * Ids are remembered for the life of one processing run.
 */
export class ActivityCatalog {
  private readonly ids = new Map<string, number>();

  constructor(
    private readonly knex: Knex,
    private readonly institutionId: number,
  ) {}

  async idsFor(
    courses: Array<{ key: string; code?: string; name?: string }>,
  ): Promise<Map<string, number>> {
    const missing = new Map<string, { key: string; code?: string; name?: string }>();
    for (const course of courses) {
      if (!this.ids.has(course.key)) missing.set(course.key, course);
    }
    if (missing.size > 0) {
      const now = Date.now();
      await this.knex('activities')
        .insert(
          [...missing.values()].map((course) => ({
            institution_id: this.institutionId,
            kind: 'offline_class',
            course_key: course.key,
            course_code: course.code?.slice(0, 100) ?? null,
            course_name: course.name?.slice(0, 255) ?? null,
            first_seen: now,
          })),
        )
        .onConflict(['institution_id', 'course_key'])
        .ignore();
      const rows = await this.knex('activities')
        .where({ institution_id: this.institutionId })
        .whereIn('course_key', [...missing.keys()])
        .select('id', 'course_key');
      for (const row of rows) this.ids.set(row.course_key, Number(row.id));
    }
    return this.ids;
  }
}
