import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { scaffolderModuleCertificates } from './module';

describe('scaffolderModuleCertificates', () => {
  it('adds certificates:request, with dry-run support, to the Scaffolder', async () => {
    const addActions = jest.fn();
    await startTestBackend({
      extensionPoints: [[scaffolderActionsExtensionPoint, { addActions }]],
      features: [
        scaffolderModuleCertificates,
        mockServices.rootConfig.factory({ data: {} }),
      ],
    });
    const actions = addActions.mock.calls.flat();
    expect(actions.map(a => a.id)).toEqual(['certificates:request']);
    expect(actions[0].supportsDryRun).toBe(true);
    expect(actions[0].schema.input.required).toEqual(
      expect.arrayContaining(['entityRef', 'dnsNames', 'delivery']),
    );
    expect(actions[0].examples.length).toBeGreaterThan(0);
  });
});
