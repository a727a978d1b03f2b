export { AcmeIssuer, assertPrivateKeyPem } from './AcmeIssuer';
export type { AcmeIssuerOptions } from './AcmeIssuer';
export { revocationReasonCode } from './revocationReasons';
