/** Opaque keyset cursors: base64url JSON of the last row's sort key. */
export function encodeCursor(key: unknown[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** The decoded key, or null when the cursor was not made by encodeCursor with this many parts. */
export function decodeCursor(cursor: string, parts: number): unknown[] | null {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return Array.isArray(key) && key.length === parts ? key : null;
  } catch {
    return null;
  }
}
