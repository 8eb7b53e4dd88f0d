import { expiredLoginArtifacts } from './expired-login-artifacts.js';
import type { Job } from './job.js';
import { submissionFileRetention } from './submission-file-retention.js';

/** Every scheduled job of the hub. Adding a job is its file plus one line here. */
export const jobs: Job[] = [expiredLoginArtifacts, submissionFileRetention];
