import { randomFillSync } from 'node:crypto';

const POOL = Buffer.alloc(4096);
let offset = POOL.length;

/**
 * `length` bytes (at most 4 KiB) from the CSPRNG, drawn from a pool refilled
 * 4 KiB at a time: one call into the CSPRNG per few hundred request ids or
 * serial numbers instead of one each. The bytes are copied out and wiped
 * from the pool.
 */
export function pooledRandomBytes(length: number): Buffer {
  if (offset + length > POOL.length) {
    randomFillSync(POOL);
    offset = 0;
  }
  const bytes = Buffer.from(POOL.subarray(offset, offset + length));
  POOL.fill(0, offset, offset + length);
  offset += length;
  return bytes;
}
