import { readFile } from 'node:fs/promises';
import { expectSameTable, type Table } from './tables.js';

/** Reads ocpsum's CSV: header row, RFC 4180 quoting, an empty unquoted cell is NULL. */
export async function readCsv(path: string): Promise<Table> {
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
  return expectSameTable(await readCsv(actualPath), await readCsv(expectedPath), { ordered: true });
}
