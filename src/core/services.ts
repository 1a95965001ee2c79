// Long-lived shared machinery handed to every request and command.
import type { JobQueue } from './jobs/queue.ts';

export type Services = {
  jobs: JobQueue;
  /** Key for signing cookies (trusted-device marks, flash messages); generated on first start. */
  cookieKey: Buffer;
};
