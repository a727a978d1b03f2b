import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Knex } from 'knex';
import { AuditLog } from '../audit';
import { InClusterApprovals } from './InClusterApprovals';
import { setupInClusterApprovals } from './setupInClusterApprovals';

function setup(inCluster: object) {
  return setupInClusterApprovals({
    knex: {} as Knex,
    settings: { enabled: false, approvers: [], caIssuers: [], ...inCluster },
    namespaceMappings: [],
    logger: mockServices.logger.mock(),
    permissions: mockServices.permissions.mock(),
    audit: {} as AuditLog,
    clusters: { list: () => [] },
    catalog: catalogServiceMock(),
    auth: mockServices.auth(),
  });
}

describe('setupInClusterApprovals', () => {
  it('adds no source unless in-cluster approvals are enabled', () => {
    expect(setup({})).toEqual([]);
    expect(setup({ enabled: false, approvers: ['group:default/sec'] })).toEqual(
      [],
    );
  });

  it('adds the in-cluster source, which owns only in-cluster ids', () => {
    const sources = setup({ enabled: true, approvers: ['group:default/sec'] });
    expect(sources).toHaveLength(1);
    expect(sources[0].owns(InClusterApprovals.idOf('c1', 'ns', 'cr'))).toBe(
      true,
    );
    expect(sources[0].owns('portal-request-id')).toBe(false);
  });
});
