/**
 * Extension points of the certificates backend plugin.
 *
 * @packageDocumentation
 */
export * from './extensions';
export * from './clusters';
export * from './pem';
export * from './migrations';
