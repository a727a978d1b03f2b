export { IssuerRegistry } from './IssuerRegistry';
export type { CertManagerIssuerConfig } from './IssuerRegistry';
