import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  certificateReadPermission,
  CertificateRequest,
  requestReadPermission,
} from '@kubecerts/backstage-plugin-certificates-common';
import {
  authorizeFilter,
  filterAllows,
  storeFilter,
  transformCertificateConditions,
  transformRequestConditions,
} from './conditionalFilter';
import {
  certificateConditions,
  createCertificateConditionalDecision,
  createRequestConditionalDecision,
  requestConditions,
} from './conditionExports';
import { matchesRequestCriteria } from './requestRules';

const credentials = mockCredentials.user('user:default/dana');

function answering(decision: any) {
  const permissions = mockServices.permissions.mock();
  permissions.authorizeConditional.mockResolvedValue([decision]);
  return permissions;
}

describe('authorizeFilter', () => {
  it('asks once for the permission with the caller credentials', async () => {
    const permissions = answering({ result: AuthorizeResult.ALLOW });
    await authorizeFilter(
      permissions,
      requestReadPermission,
      credentials,
      transformRequestConditions,
    );
    expect(permissions.authorizeConditional).toHaveBeenCalledTimes(1);
    expect(permissions.authorizeConditional).toHaveBeenCalledWith(
      [{ permission: requestReadPermission }],
      { credentials },
    );
  });

  it.each([
    [AuthorizeResult.ALLOW, true],
    [AuthorizeResult.DENY, false],
  ])('turns %s into %p', async (result, expected) => {
    await expect(
      authorizeFilter(
        answering({ result }),
        requestReadPermission,
        credentials,
        transformRequestConditions,
      ),
    ).resolves.toBe(expected);
  });

  it('turns a conditional decision on certificates into an inventory filter', async () => {
    const decision = createCertificateConditionalDecision(
      certificateReadPermission,
      { not: certificateConditions.hasIssuer({ issuers: ['CN=Root'] }) },
    );
    const filter = await authorizeFilter(
      answering(decision),
      certificateReadPermission,
      credentials,
      transformCertificateConditions,
    );
    expect(filter).toEqual({ not: { key: 'issuer', values: ['CN=Root'] } });
  });

  it('turns a conditional decision on requests into a request filter a loaded request is matched on', async () => {
    const decision = createRequestConditionalDecision(requestReadPermission, {
      anyOf: [
        requestConditions.isRequester({ userRefs: ['user:default/dana'] }),
        requestConditions.isEntityOwner({ claims: ['group:default/team-a'] }),
      ],
    });
    const filter = await authorizeFilter(
      answering(decision),
      requestReadPermission,
      credentials,
      transformRequestConditions,
    );
    expect(filter).toEqual({
      anyOf: [
        { property: 'requester', values: ['user:default/dana'] },
        { property: 'ownerRef', values: ['group:default/team-a'] },
      ],
    });
    const mine = { requester: 'user:default/dana' } as CertificateRequest;
    // Labels or entity metadata describe; only the condition decides.
    const other = {
      requester: 'user:default/eve',
      ownerRef: 'group:default/team-b',
    } as CertificateRequest;
    expect(filterAllows(filter, c => matchesRequestCriteria(c, mine))).toBe(
      true,
    );
    expect(filterAllows(filter, c => matchesRequestCriteria(c, other))).toBe(
      false,
    );
  });
});

describe('filterAllows', () => {
  it('never consults the matcher for ALLOW or DENY', () => {
    const matches = jest.fn(() => true);
    expect(filterAllows(true, matches)).toBe(true);
    expect(filterAllows(false, matches)).toBe(false);
    expect(matches).not.toHaveBeenCalled();
  });
});

describe('storeFilter', () => {
  it('passes no restriction for ALLOW and the criteria otherwise', () => {
    expect(storeFilter(true)).toBeUndefined();
    const criteria = { key: 'issuer' as const, values: ['x'] };
    expect(storeFilter(criteria)).toBe(criteria);
  });
});
