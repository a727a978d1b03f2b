export { IssuerRegistry } from './IssuerRegistry';
export type { CertManagerIssuerConfig } from './IssuerRegistry';
export { IssuanceService } from './IssuanceService';
export type {
  IssuanceNotifier,
  IssuanceServiceOptions,
  IssuedRecord,
  PolicyRecheck,
} from './IssuanceService';
