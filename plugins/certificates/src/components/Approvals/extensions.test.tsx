import plugin from '../../alpha';

describe('approvals extensions', () => {
  it('registers the approvals page with its tabs under the expected ids', () => {
    for (const id of [
      'page:certificates/approvals',
      'sub-page:certificates/approvals-queue',
      'sub-page:certificates/approvals-history',
      'sub-page:certificates/audit',
    ]) {
      expect(plugin.getExtension(id as any)).toBeDefined();
    }
  });
});
