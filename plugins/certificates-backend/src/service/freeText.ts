import { z } from 'zod';

/**
 * C0/C1 control characters other than tab and line breaks, and the Unicode
 * bidirectional formatting characters: text an approver reads (a
 * justification, a reason) must read as it is stored, and PostgreSQL refuses
 * NUL in text columns outright (a 500 after the issuer acted, before this).
 */
// eslint-disable-next-line no-control-regex -- control characters are what it finds
const UNREADABLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/** A free-text field of at most `max` characters that reads as it is stored. */
export function freeText(max: number, options: { trim?: boolean } = {}) {
  const base = options.trim ? z.string().trim() : z.string();
  return base
    .max(max)
    .refine(text => !UNREADABLE.test(text), {
      message:
        'must not contain control characters or bidirectional formatting characters (line breaks and tabs are fine)',
    });
}
