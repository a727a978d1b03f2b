import { InputError } from '@backstage/errors';
import { Router } from 'express';

// eslint-disable-next-line no-control-regex -- control characters are what it finds
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Refuses an `:id` path parameter with control characters before any route
 * reads it: no stored id has one, and PostgreSQL answers a NUL in a text
 * comparison with an error (a 500) instead of "no such row".
 */
export function refuseControlCharactersInIds(router: Router, noun: string) {
  router.param('id', (_req, _res, next, id: unknown) => {
    next(
      typeof id === 'string' && CONTROL.test(id)
        ? new InputError(`${noun} id must not contain control characters`)
        : undefined,
    );
  });
}
