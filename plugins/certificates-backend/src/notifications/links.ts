import {
  APPROVALS_PAGE_PATH,
  entityCertificatesPath,
  inventoryPath,
} from '@kubecerts/backstage-plugin-certificates-common';

/**
 * The links notifications carry, built from the frontend's own paths (shared
 * through -common). With `app.baseUrl` they are absolute, so they also work
 * where notifications leave the portal (e-mail, chat); without it they stay
 * relative and the notifications page resolves them against the app.
 */
export class NotificationLinks {
  static create(options: { appBaseUrl?: string } = {}): NotificationLinks {
    return new NotificationLinks(options.appBaseUrl?.replace(/\/+$/, '') ?? '');
  }

  private constructor(private readonly base: string) {}

  /** The approvers' queue. */
  approvals(): string {
    return `${this.base}${APPROVALS_PAGE_PATH}`;
  }

  /** Where a request's requester follows it: its entity's Certificates tab. */
  request(request: { entityRef: string }): string {
    return `${this.base}${
      entityCertificatesPath(request.entityRef) ?? inventoryPath()
    }`;
  }

  /** The certificate open on its entity's tab, else in the inventory. */
  certificate(certificate: { id: string; entityRef?: string }): string {
    const onEntity = certificate.entityRef
      ? entityCertificatesPath(certificate.entityRef, {
          certificateId: certificate.id,
        })
      : undefined;
    return `${this.base}${
      onEntity ?? inventoryPath({ certificateId: certificate.id, view: 'all' })
    }`;
  }
}
