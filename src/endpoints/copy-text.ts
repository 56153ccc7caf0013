/** PostgreSQL's COPY text format, row by row: how a row stream is read from a COPY and written into one. */
import type { Readable } from 'node:stream';
import type { RowValues } from './table-rows.js';

const unescapes: Readonly<Record<string, string>> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };

function unescape(field: string): string {
  if (!field.includes('\\')) return field;
  return field.replace(/\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)/g, (_, code: string) => {
    if (code[0] === 'x') return String.fromCharCode(parseInt(code.slice(1), 16));
    if (/^[0-7]/.test(code)) return String.fromCharCode(parseInt(code, 8));
    return unescapes[code] ?? code;
  });
}

/** One line of COPY text (without its newline) as values; \N is NULL. */
export function parseCopyTextLine(line: string): RowValues {
  if (line === '') return [''];
  return line.split('\t').map((field) => (field === '\\N' ? null : unescape(field)));
}

/** One row as a line of COPY text, newline included. A row of no columns is an empty line. */
export function encodeCopyTextRow(row: RowValues): string {
  return `${row.map((v) => (v === null ? '\\N' : v.replace(/[\\\n\r\t]/g, (c) => (c === '\\' ? '\\\\' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\t')))).join('\t')}\n`;
}

/** The rows of a COPY … TO STDOUT in text format (UTF-8), split at row ends whatever the chunking. */
export async function* copyTextRows(stream: Readable, columns: number): AsyncIterable<RowValues> {
  let rest = '';
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of stream) {
    rest += decoder.decode(chunk as Buffer, { stream: true });
    let start = 0;
    for (let end = rest.indexOf('\n'); end >= 0; end = rest.indexOf('\n', start)) {
      yield columns === 0 ? [] : parseCopyTextLine(rest.slice(start, end));
      start = end + 1;
    }
    rest = rest.slice(start);
  }
}
