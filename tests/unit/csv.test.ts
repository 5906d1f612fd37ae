import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { csvLines } from '@/server/export/csv';

describe('csvLines', () => {
  it('quotes only cells with a comma, a quote or a line break, doubles quotes, neutralises formulas', () => {
    const records = [
      ['plain', 42, -1.5, ''],
      ['a,b', 'say "hi"', 'two\nlines', 'cr\rhere'],
      ['=SUM(A1)', '+1', '-x', '@me'],
      ['\tindent', 'ünï "ç,ode"', '{"k":"v, w"}', 0],
    ];
    const text = csvLines(records);
    expect(text.split('\n')[0]).toBe('plain,42,-1.5,');
    expect(text).toContain('"a,b","say ""hi""","two\nlines","cr\rhere"\n');
    expect(text).toContain(`'=SUM(A1),'+1,'-x,'@me\n`);
    expect(text.endsWith('\n')).toBe(true);
    // What a CSV reader gets back: every cell as written (formulas with their leading quote).
    expect(parse(text, { relax_column_count: false })).toEqual([
      ['plain', '42', '-1.5', ''],
      ['a,b', 'say "hi"', 'two\nlines', 'cr\rhere'],
      ["'=SUM(A1)", "'+1", "'-x", "'@me"],
      ["'\tindent", 'ünï "ç,ode"', '{"k":"v, w"}', '0'],
    ]);
    expect(csvLines([])).toBe('');
  });
});
