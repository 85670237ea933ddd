import { createHash } from 'node:crypto';

/**
 * The key segment for one or more ids: SHA-256 over the length-prefixed tuple, base64url. The length
 * prefixes make ('X:x', 't1') and ('X', 'x:t1') different inputs, so segments of different tuples
 * cannot collide the way joined strings do; the hash keeps ids, which may carry digits that are PII,
 * out of key names. Values (documents, index members) still hold the ids themselves.
 */
export function idSegment(...ids: string[]): string {
  const hash = createHash('sha256');
  for (const id of ids) {
    const bytes = Buffer.from(id, 'utf8');
    hash.update(`${bytes.length}:`);
    hash.update(bytes);
  }
  return hash.digest('base64url');
}
