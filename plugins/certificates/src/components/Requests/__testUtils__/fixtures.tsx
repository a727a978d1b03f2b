import { ReactElement } from 'react';
import { ApiRef, identityApiRef } from '@backstage/core-plugin-api';
import { mockApis } from '@backstage/test-utils';
import { CertificateRequest } from '@kubecerts/backstage-plugin-certificates-common';
import { PermissionApi } from '@backstage/plugin-permission-react';
import { http, HttpResponse, JsonBodyType } from 'msw';
import {
  base,
  failingGet,
  renderWithBackend,
  setupMswServer,
} from '../../common/__testUtils__/fakeBackend';

export { base, failingGet, setupMswServer };

/**
 * Renders with the real CertificatesClient over msw, signed in as
 * `userEntityRef`; the permission policy allows everything unless given.
 */
export function renderWithClient(
  ui: ReactElement,
  userEntityRef = 'user:default/alice',
  permissionApi: PermissionApi = mockApis.permission(),
  moreApis: ReadonlyArray<readonly [ApiRef<any>, any]> = [],
) {
  return renderWithBackend(ui, {
    permissionApi,
    apis: [[identityApiRef, mockApis.identity({ userEntityRef })], ...moreApis],
  });
}

/**
 * An msw handler for GETs of `path` (below the plugin's base URL) that
 * records each query in `seen`, oldest first, and answers `answer(query)`.
 */
export function recordingGet(
  path: string,
  seen: URLSearchParams[],
  answer: (query: URLSearchParams) => JsonBodyType,
) {
  return http.get(`${base}${path}`, ({ request }) => {
    const query = new URL(request.url).searchParams;
    seen.push(query);
    return HttpResponse.json(answer(query));
  });
}

let counter = 0;

/** A pending request with sensible defaults. */
export function makeRequest(
  overrides: Partial<CertificateRequest> = {},
): CertificateRequest {
  counter += 1;
  return {
    id: `req-${counter}`,
    entityRef: 'component:default/payments',
    commonName: 'payments.example.com',
    dnsNames: ['payments.example.com'],
    keyAlgorithm: 'ECDSA-P256',
    validityDays: 30,
    issuer: 'builtin',
    delivery: { kind: 'csr', csrFingerprint: 'ab:cd' },
    clientAuth: false,
    justification: 'Needed for the payments API',
    state: 'pending',
    requester: 'user:default/bob',
    requesterIsOwner: true,
    ownerRef: 'group:default/team-a',
    createdAt: new Date(Date.now() - 3 * 3600_000).toISOString(),
    updatedAt: new Date(Date.now() - 3 * 3600_000).toISOString(),
    policyName: 'default',
    pendingReason: 'Policy "default" requires one approval',
    approvalsRequired: 1,
    approvers: ['group:default/security'],
    decisions: [],
    ...overrides,
  };
}
