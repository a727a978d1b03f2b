/**
 * Isomorphic, I/O-free parts of the certificates plugins.
 *
 * @packageDocumentation
 */
export * from './types';
export * from './apiTypes';
export * from './permissions';
export * from './policyTypes';
export * from './health';
export * from './health/expiryThresholds';
export * from './ownership';
export * from './certificates';
export * from './approvals';
export * from './policy';
export * from './names';
export * from './oids';
export * from './lifecycle';
export * from './annotations';
export * from './routes';
export * from './requests';
export * from './delivery';
export * from './endpoints';
export * from './trust';
