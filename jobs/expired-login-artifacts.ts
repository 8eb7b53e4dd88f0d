import { deleteExpiredSessions } from '../src/http/session-store.js';
import { forgetIdleCounters } from '../src/login/login-throttle.js';
import { deleteExpiredPayloads } from '../src/oidc/knex-adapter.js';
import type { Job } from './job.js';

const DAY = 86_400_000;

/**
 * Deletes what logins leave behind once it can no longer be used: expired OpenID sessions,
 * codes and tokens, expired browser sessions of the hub's pages, old SMS codes and outbox
 * messages, idle throttle counters, old job slots.
 */
export const expiredLoginArtifacts: Job = {
  name: 'expired-login-artifacts',
  cron: '17 * * * *',
  async run({ knex, now }) {
    const at = now.getTime();
    return {
      oidcArtifacts: await deleteExpiredPayloads(knex, at),
      webSessions: await deleteExpiredSessions(knex, at),
      smsCodes: await knex('sms_codes')
        .where('expires_at', '<', at - DAY)
        .delete(),
      smsOutbox: await knex('sms_outbox')
        .where('created_at', '<', at - 7 * DAY)
        .delete(),
      throttleCounters: await forgetIdleCounters(knex, at),
      jobSlots: await knex('job_runs')
        .where('started_at', '<', at - 30 * DAY)
        .delete(),
    };
  },
};
