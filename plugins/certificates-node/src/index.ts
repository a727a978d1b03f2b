/**
 * Extension points of the certificates backend plugin.
 *
 * @packageDocumentation
 */
export * from './extensions';
