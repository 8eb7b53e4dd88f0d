import type { z } from 'zod';
import { HubError } from '../http/errors.js';

/** Parses request input with a zod schema; a mismatch is the caller's 400, never our 500. */
export function parseInput<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues
    .map((issue) => `${issue.path.join('.') || 'request'}: ${issue.message}`)
    .join('; ');
  throw new HubError(400, 'invalid_request', problems);
}
