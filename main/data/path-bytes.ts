// File names are bytes on Linux: a name with invalid UTF-8 must still be opened exactly, so the
// walk keeps Buffer paths and only turns them into strings for display.

const utf8Strict = new TextDecoder('utf-8', { fatal: true });
const utf8Lossy = new TextDecoder('utf-8');

/** The display form of a path (invalid bytes become U+FFFD). */
export function displayPath(bytes: Uint8Array): string {
  return utf8Lossy.decode(bytes);
}

/** True when the bytes are a valid UTF-8 name, i.e. the display string round-trips. */
export function isUtf8Name(bytes: Uint8Array): boolean {
  try {
    utf8Strict.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

export function joinBytes(dir: Buffer, name: Buffer): Buffer {
  if (dir.length === 0) return Buffer.from(name);
  return Buffer.concat([dir, Buffer.from('/'), name]);
}
