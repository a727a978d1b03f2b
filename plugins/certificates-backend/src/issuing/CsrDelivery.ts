import { CertificateRequest } from '@kubecerts/backstage-plugin-certificates-common';
import type {
  DeliveryContext,
  DeliveryOutcome,
  DeliveryStrategy,
} from './deliveryPorts';
import { toIssueRequest } from './issuanceTypes';

/**
 * `csr` delivery: the requester's CSR is signed and they download the chain;
 * no key and no cluster. Nothing is delivered until the signer answers, and
 * signing again is safe (the request id is the CA's idempotency key), so an
 * interrupted attempt is simply made again.
 */
export class CsrDelivery implements DeliveryStrategy {
  readonly kind = 'csr' as const;

  static create(): CsrDelivery {
    return new CsrDelivery();
  }

  private constructor() {}

  async deliver(
    request: CertificateRequest,
    context: DeliveryContext,
  ): Promise<DeliveryOutcome> {
    const { signer, csrPem } = context;
    if (!signer || !csrPem) {
      return {
        state: 'failed',
        reason: `Issuer ${request.issuer} is not available`,
      };
    }
    return {
      state: 'issued',
      certificate: await signer.issue(toIssueRequest(request, csrPem)),
    };
  }

  async follow(): Promise<DeliveryOutcome> {
    return { state: 'undelivered', reason: 'the CSR is signed again' };
  }
}
