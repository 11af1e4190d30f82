// Where a file's leading comment blocks end. Licence headers are often longer than the byte
// window of a small model and read the same in C++, Java, Groovy and JavaScript (the Apache header
// alone is ~800 bytes), so a window that starts at the file's first byte would see only them.

const SPACE = new Set([0x20, 0x09, 0x0a, 0x0d, 0x0c, 0x0b, 0xef, 0xbb, 0xbf]); // whitespace and a UTF-8 BOM

function startsWith(bytes: Uint8Array, at: number, s: string): boolean {
  for (let k = 0; k < s.length; k++) if (bytes[at + k] !== s.charCodeAt(k)) return false;
  return true;
}

function indexOfSeq(bytes: Uint8Array, s: string, from: number): number {
  const first = s.charCodeAt(0);
  for (let i = bytes.indexOf(first, from); i >= 0; i = bytes.indexOf(first, i + 1)) if (startsWith(bytes, i, s)) return i;
  return -1;
}

/**
 * The offset of the first byte after the leading `/* ... *\/`, `//` and `<!-- -->` comments (and
 * the whitespace around them). `#` lines are kept: in Python, YAML and C++ (`#include`) they are
 * the language's own signal. Returns 0 when nothing but comments would remain.
 */
export function leadingCommentEnd(bytes: Uint8Array): number {
  let i = 0;
  for (;;) {
    let j = i;
    while (j < bytes.length && SPACE.has(bytes[j])) j++;
    let end = -1;
    if (startsWith(bytes, j, '/*')) {
      const close = indexOfSeq(bytes, '*/', j + 2);
      end = close < 0 ? -1 : close + 2;
    } else if (startsWith(bytes, j, '//')) {
      const nl = bytes.indexOf(0x0a, j);
      end = nl < 0 ? -1 : nl + 1;
    } else if (startsWith(bytes, j, '<!--')) {
      const close = indexOfSeq(bytes, '-->', j + 4);
      end = close < 0 ? -1 : close + 3;
    }
    if (end < 0) return j >= bytes.length ? 0 : j;
    i = end;
  }
}
