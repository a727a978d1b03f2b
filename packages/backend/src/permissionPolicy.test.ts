import {
  AuthorizeResult,
  isResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  auditReadPermission,
  certificateReadPermission,
  certificateRenewPermission,
  requestApprovePermission,
  requestCreatePermission,
  requestReadPermission,
} from '@kubecerts/backstage-plugin-certificates-common';
import { SampleCertificatesPolicy, SECURITY_GROUP } from './permissionPolicy';

const user = (ref: string, groups: string[]) =>
  ({
    identity: { type: 'user', userEntityRef: ref, ownershipEntityRefs: [ref, ...groups] },
    info: { userEntityRef: ref, ownershipEntityRefs: [ref, ...groups] },
    token: 't',
    credentials: {} as any,
  }) as any;

describe('SampleCertificatesPolicy', () => {
  const policy = new SampleCertificatesPolicy();
  const sec = user('user:default/sam', [SECURITY_GROUP]);
  const dev = user('user:default/dana', ['group:default/team-payments']);

  it('lets only the security team approve and read the audit trail', async () => {
    for (const permission of [requestApprovePermission, auditReadPermission]) {
      expect((await policy.handle({ permission }, sec)).result).toBe(AuthorizeResult.ALLOW);
      expect((await policy.handle({ permission }, dev)).result).toBe(AuthorizeResult.DENY);
    }
  });

  it('lets owners renew their own certificates only', async () => {
    expect(await policy.handle({ permission: certificateRenewPermission }, dev)).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'certificates',
      resourceType: 'certificates-certificate',
      conditions: {
        rule: 'isEntityOwner',
        resourceType: 'certificates-certificate',
        params: { claims: ['user:default/dana', 'group:default/team-payments'] },
      },
    });
    expect((await policy.handle({ permission: certificateRenewPermission }, sec)).result).toBe(
      AuthorizeResult.ALLOW,
    );
  });

  it('limits request reads to requester and owners, allows the rest', async () => {
    const decision = await policy.handle({ permission: requestReadPermission }, dev);
    expect(decision).toMatchObject({
      result: AuthorizeResult.CONDITIONAL,
      resourceType: 'certificates-request',
      conditions: {
        anyOf: [
          { rule: 'isRequester', params: { userRefs: ['user:default/dana'] } },
          { rule: 'isEntityOwner', params: { claims: expect.any(Array) } },
        ],
      },
    });
    expect((await policy.handle({ permission: certificateReadPermission }, dev)).result).toBe(
      AuthorizeResult.ALLOW,
    );
  });

  it('asks about creating requests on the catalog entity, and lets everyone by default', async () => {
    expect(isResourcePermission(requestCreatePermission, 'catalog-entity')).toBe(true);
    for (const who of [dev, sec, undefined]) {
      expect((await policy.handle({ permission: requestCreatePermission }, who)).result).toBe(
        AuthorizeResult.ALLOW,
      );
    }
  });

  it("with createForOwnersOnly answers create with the catalog's isEntityOwner condition", async () => {
    const strict = new SampleCertificatesPolicy({ createForOwnersOnly: true });
    expect(await strict.handle({ permission: requestCreatePermission }, dev)).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'catalog',
      resourceType: 'catalog-entity',
      conditions: {
        rule: 'IS_ENTITY_OWNER',
        resourceType: 'catalog-entity',
        params: { claims: ['user:default/dana', 'group:default/team-payments'] },
      },
    });
    expect((await strict.handle({ permission: requestCreatePermission }, sec)).result).toBe(
      AuthorizeResult.ALLOW,
    );
    // Nothing else changes.
    expect((await strict.handle({ permission: certificateReadPermission }, dev)).result).toBe(
      AuthorizeResult.ALLOW,
    );
  });
});
