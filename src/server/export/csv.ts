import 'server-only';
import { stringify } from 'csv-stringify/sync';

export type CsvValue = string | number;

/**
 * A text cell a spreadsheet would read as a formula (`=`, `+`, `-`, `@`) or that starts with a tab or
 * carriage return gets a leading `'`, as OWASP's CSV injection guidance says; numbers stay numbers.
 */
export function neutraliseCell(value: CsvValue): CsvValue {
  return typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** CSV lines for these records, every cell neutralised: the one way the app writes CSV. */
export function csvLines(records: CsvValue[][]): string {
  return stringify(records.map((r) => r.map(neutraliseCell)));
}
