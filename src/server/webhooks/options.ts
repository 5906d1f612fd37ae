import 'server-only';

export type DeliveryOptions = {
  /** Names this worker on the leases it takes (unique per process). */
  workerId: string;
  /** The clock: leases, backoff and the day of failures are read from it (tests move it). */
  now: () => Date;
  /** Deliveries sent at once. */
  concurrency: number;
  /** How long a lease lasts; a delivery whose worker died is taken again after it. */
  leaseMs: number;
  /** How long a receiver may take to answer. */
  timeoutMs: number;
  /** The first retry's delay; each next one doubles it, up to maxBackoffMs. */
  backoffMs: number;
  maxBackoffMs: number;
  /** A delivery (and a destination) failing for this long is given up (disabled). */
  giveUpMs: number;
};

export const defaultDeliveryOptions = {
  concurrency: 8,
  leaseMs: 30_000,
  timeoutMs: 10_000,
  backoffMs: 5_000,
  maxBackoffMs: 3_600_000,
  giveUpMs: 24 * 3_600_000,
} satisfies Partial<DeliveryOptions>;
