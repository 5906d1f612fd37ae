import 'server-only';

export type CsvValue = string | number;

/**
 * A text cell a spreadsheet would read as a formula (`=`, `+`, `-`, `@`) or that starts with a tab or
 * carriage return gets a leading `'`, as OWASP's CSV injection guidance says; numbers stay numbers.
 */
export function neutraliseCell(value: CsvValue): CsvValue {
  return typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** A cell with a comma, a quote or a line break is quoted (RFC 4180), its quotes doubled. */
const NEEDS_QUOTES = /[",\n\r]/;
const QUOTES = /"/g;

function csvCell(value: CsvValue): string {
  const text = String(neutraliseCell(value));
  return NEEDS_QUOTES.test(text) ? `"${text.replace(QUOTES, '""')}"` : text;
}

/**
 * CSV lines for these records (each ending in `\n`), every cell neutralised: the one way the app
 * writes CSV. Written by hand: a general CSV writer's per-cell options were a third of an export's
 * time, and these cells need only RFC 4180 quoting.
 */
export function csvLines(records: CsvValue[][]): string {
  let out = '';
  for (const record of records) {
    for (let i = 0; i < record.length; i++) out += (i ? ',' : '') + csvCell(record[i]!);
    out += '\n';
  }
  return out;
}
