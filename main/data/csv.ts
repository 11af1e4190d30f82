import { LanglabError } from '../errors.ts';

/** One CSV record: its fields as raw bytes, and the line it starts on (1-based). */
export interface CsvRecord {
  fields: Buffer[];
  line: number;
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;

/**
 * RFC 4180 CSV over a byte stream: quoted fields may hold commas, doubled quotes and newlines;
 * CRLF or LF line ends; blank lines are ignored. Works on bytes so that a row with invalid UTF-8
 * can be skipped on its own instead of spoiling the file. `name` is used in error messages.
 */
export async function* parseCsv(chunks: AsyncIterable<Buffer>, name: string): AsyncGenerator<CsvRecord> {
  let field = Buffer.allocUnsafe(4096);
  let length = 0;
  let fields: Buffer[] = [];
  let state: 'start' | 'plain' | 'quoted' | 'quote-in-quoted' = 'start';
  let line = 1;
  let recordLine = 1;
  let quoteLine = 1;
  let afterCr = false;

  const push = (byte: number) => {
    if (length === field.length) {
      const bigger = Buffer.allocUnsafe(field.length * 2);
      field.copy(bigger, 0, 0, length);
      field = bigger;
    }
    field[length++] = byte;
  };
  const endField = () => {
    fields.push(Buffer.from(field.subarray(0, length)));
    length = 0;
  };
  const endRecord = (): CsvRecord | null => {
    endField();
    const record = fields.length === 1 && fields[0].length === 0 ? null : { fields, line: recordLine };
    fields = [];
    state = 'start';
    return record;
  };

  for await (const chunk of chunks) {
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (afterCr) {
        afterCr = false;
        // The LF of a CRLF: the line was already counted at the CR.
        if (b === LF) continue;
      }
      if (state === 'quoted') {
        if (b === QUOTE) state = 'quote-in-quoted';
        else {
          if (b === LF) line++;
          push(b);
        }
        continue;
      }
      if (state === 'quote-in-quoted') {
        if (b === QUOTE) {
          push(QUOTE);
          state = 'quoted';
          continue;
        }
        if (b !== COMMA && b !== LF && b !== CR) {
          throw new LanglabError(
            'INVALID_ARGUMENT',
            `${name}, line ${line}: a quoted field must end at a comma or a line end, but a closing quote is followed by '${String.fromCharCode(b)}'. ` +
              'Double the quote ("") to put it inside the field.',
          );
        }
        state = 'plain';
      }
      if (b === COMMA) {
        endField();
        state = 'start';
      } else if (b === LF || b === CR) {
        const record = endRecord();
        afterCr = b === CR;
        line++;
        recordLine = line;
        if (record) yield record;
      } else if (b === QUOTE && state === 'start') {
        state = 'quoted';
        quoteLine = line;
      } else {
        state = 'plain';
        push(b);
      }
    }
  }
  if (state === 'quoted') {
    throw new LanglabError(
      'INVALID_ARGUMENT',
      `${name}, line ${quoteLine}: a quoted field is never closed (the file ends inside it). Add the closing quote.`,
    );
  }
  if (length > 0 || fields.length > 0) {
    const record = endRecord();
    if (record) yield record;
  }
}
