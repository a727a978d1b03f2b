/**
 * Certificates for Kubernetes in Backstage: health on entity pages,
 * self-service requests, approvals and inventory.
 *
 * @packageDocumentation
 */
export * from './api';
