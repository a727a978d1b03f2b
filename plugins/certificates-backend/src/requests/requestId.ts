import { pooledRandomBytes as random } from '../service/randomBytes';

let lastMs = 0;
let sequence = 0;

/**
 * A new request id: a UUID version 7 (RFC 9562), the millisecond time
 * first, then a sequence within the millisecond, then 62 random bits.
 * Ids made later sort later, so every index keyed by request id (the
 * requests, the CA's records, audit, notifications) grows at its end
 * instead of touching a random page per request: a random UUID costs
 * SQLite a page write per index and request, and PostgreSQL the same in
 * its B-trees. Unguessability is not what protects a request (every read
 * is permission-checked); the random bits still keep ids unique across
 * processes.
 */
export function newRequestId(now: number = Date.now()): string {
  if (now > lastMs) {
    lastMs = now;
    sequence = random(2).readUInt16BE(0) & 0x3ff;
  } else {
    // Same millisecond (or a clock step back): keep order with the sequence.
    sequence++;
    if (sequence > 0xfff) {
      lastMs++;
      sequence = 0;
    }
  }
  const bytes = Buffer.alloc(16);
  bytes.writeUIntBE(lastMs, 0, 6);
  bytes[6] = 0x70 | (sequence >> 8);
  bytes[7] = sequence & 0xff;
  random(8).copy(bytes, 8);
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
