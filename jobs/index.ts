import { expiredLoginArtifacts } from './expired-login-artifacts.js';
import type { Job } from './job.js';

/** Every scheduled job of the hub. Adding a job is its file plus one line here. */
export const jobs: Job[] = [expiredLoginArtifacts];
