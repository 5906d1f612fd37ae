import 'server-only';
import { env } from '@/lib/env';
import { type LeaseOptions, processHolder } from './leases';

/** This process's lease settings (RUNLEDGER_JOB_LEASE_SECONDS), on the wall clock. */
export function leaseOptions(): LeaseOptions {
  return { holder: processHolder(), ttlMs: env().RUNLEDGER_JOB_LEASE_SECONDS * 1000, now: () => new Date() };
}
