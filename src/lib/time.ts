/** Accepts an ISO string or a Date; undefined and null pass through. */
export function toDate(value: string | Date): Date;
export function toDate(value: string | Date | null | undefined): Date | null | undefined;
export function toDate(value: string | Date | null | undefined): Date | null | undefined {
  if (value === null || value === undefined) return value;
  return value instanceof Date ? value : new Date(value);
}

export function iso(value: Date): string;
export function iso(value: Date | null): string | null;
export function iso(value: Date | null): string | null {
  return value ? value.toISOString() : null;
}
