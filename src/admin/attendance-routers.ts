import type { Router } from 'express';
import type { AccountStore } from '../accounts/account-store.js';
import type { AuditLog } from '../accounts/audit-log.js';
import type { HubConfig } from '../config.js';
import type { Csrf } from '../http/csrf.js';
import type { SignedIn } from '../http/signed-in.js';
import type { Provider } from '../oidc/provider.js';
import type { AttendanceIntake } from '../record/attendance-intake.js';
import { adminRoutes } from './admin-routes.js';
import { consoleRoutes } from './console-routes.js';
import { submissionRoutes } from './submission-routes.js';

/** Every route of attendance intake: the institution API, the admin API, the console. */
export function attendanceRouters(parts: {
  config: Pick<HubConfig, 'HUB_DEFAULT_LOCALE'>;
  intake: AttendanceIntake;
  provider: Provider;
  signedIn: SignedIn;
  csrf: Csrf;
  accounts: AccountStore;
  audit: AuditLog;
}): Router[] {
  return [submissionRoutes(parts), adminRoutes(parts), consoleRoutes(parts)];
}
