import { readFile } from 'node:fs/promises';
import { expect } from 'vitest';
import { sameNumber } from './rows.js';

/** Reads ocpsum's CSV: header row, RFC 4180 quoting, an empty unquoted cell is NULL. */
export async function readCsv(path: string): Promise<{ header: string[]; rows: (string | null)[][] }> {
  const text = await readFile(path, 'utf8');
  const records: (string | null)[][] = [];
  let row: (string | null)[] = [];
  let i = 0;
  while (i < text.length) {
    let cell: string | null;
    if (text[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const quote = text.indexOf('"', i);
        value += text.slice(i, quote);
        i = quote + 1;
        if (text[i] === '"') {
          value += '"';
          i++;
        } else break;
      }
      cell = value;
    } else {
      let end = i;
      while (end < text.length && text[end] !== ',' && text[end] !== '\n') end++;
      cell = end === i ? null : text.slice(i, end);
      i = end;
    }
    row.push(cell);
    if (text[i] === ',') i++;
    else {
      records.push(row);
      row = [];
      i++;
    }
  }
  const [header, ...rows] = records;
  return { header: header as string[], rows };
}

/** Two CSV outputs hold the same rows in the same order; numbers within 1e-9 relative. */
export async function expectSameCsv(actualPath: string, expectedPath: string): Promise<number> {
  const actual = await readCsv(actualPath);
  const expected = await readCsv(expectedPath);
  expect(actual.header).toEqual(expected.header);
  expect(actual.rows.length, 'row count').toBe(expected.rows.length);
  for (let r = 0; r < expected.rows.length; r++) {
    for (let c = 0; c < expected.header.length; c++) {
      const a = actual.rows[r][c];
      const e = expected.rows[r][c];
      if (a === e) continue;
      const numeric = a !== null && e !== null && !Number.isNaN(Number(a)) && !Number.isNaN(Number(e));
      if (!numeric || !sameNumber(Number(a), Number(e))) {
        expect.fail(`row ${r + 1} column ${expected.header[c]}: got ${a}, expected ${e}`);
      }
    }
  }
  return expected.rows.length;
}
