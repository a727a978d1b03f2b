import type { IssueRequest } from '@kubecerts/backstage-plugin-certificates-node';

/**
 * What the CA is asked to sign for `csrPem`: a.example.com for a week, for
 * servers only. Tests give the request id and what they are about.
 */
export function leafRequest(
  csrPem: string,
  request: Partial<IssueRequest> & Pick<IssueRequest, 'requestId'>,
): IssueRequest {
  return {
    dnsNames: ['a.example.com'],
    ipAddresses: [],
    uris: [],
    validityDays: 7,
    clientAuth: false,
    csrPem,
    ...request,
  };
}
