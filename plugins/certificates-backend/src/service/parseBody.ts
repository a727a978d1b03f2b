import { InputError } from '@backstage/errors';
import { z } from 'zod';

/**
 * A request body checked against `schema`; a 400 naming each field and
 * what is wrong with it otherwise. A missing body reads as an empty one,
 * so a route whose fields are all optional takes a bare POST.
 */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success) {
    throw new InputError(
      parsed.error.issues
        .map(i => `${i.path.join('.') || 'body'}: ${i.message}`)
        .join('; '),
    );
  }
  return parsed.data;
}
