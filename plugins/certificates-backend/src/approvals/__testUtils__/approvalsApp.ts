import { PermissionsService } from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { CertificatePolicy } from '@kubecerts/backstage-plugin-certificates-common';
import express from 'express';
import { AuditLog } from '../../audit';
import { errorHandler, SECURITY_GROUP } from '../../__testUtils__';
import { ApprovalService } from '../ApprovalService';
import { createApprovalsRouter } from '../createApprovalsRouter';
import type { ExternalApprovals } from '../ports';

/** The Authorization header of user:default/<name>. */
export const as = (name: string) =>
  mockCredentials.user.header(`user:default/${name}`);

/** Names under example.com, each request waiting for one approval of the security group. */
export const internalPolicy: CertificatePolicy = {
  name: 'internal',
  allowedDnsNames: ['*.example.com'],
  approvals: { required: 1, approvers: [SECURITY_GROUP] },
};

/**
 * The approvals router alone, for suites whose requests come from a
 * stand-in for the clusters (`external`); every caller is in the security
 * group. Suites about the portal's own requests use the real plugin
 * (startCertificatesBackend).
 */
export function approvalsApp(options: {
  service: ApprovalService;
  audit: AuditLog;
  permissions: PermissionsService;
  external: ExternalApprovals[];
}) {
  const userInfo = mockServices.userInfo.mock({
    async getUserInfo(credentials: any) {
      const ref = credentials.principal.userEntityRef as string;
      return { userEntityRef: ref, ownershipEntityRefs: [ref, SECURITY_GROUP] };
    },
  });
  const app = express();
  app.use(
    createApprovalsRouter({
      ...options,
      httpAuth: mockServices.httpAuth(),
      userInfo,
      auditor: mockServices.auditor.mock(),
    }),
  );
  app.use(errorHandler());
  return app;
}
