import {
  certificatePoliciesSchema,
  certificatePolicySchema,
} from './policySchema';

const base = {
  name: 'services',
  allowedDnsNames: ['{{entity.name}}.example.com'],
};

describe('certificatePolicySchema', () => {
  it('accepts a full policy unchanged', () => {
    const policy = {
      ...base,
      description: 'Services',
      selector: { kind: ['Component'], owner: ['group:default/team-a'] },
      allowWildcards: true,
      allowedSanTypes: ['dns', 'ip'],
      keyAlgorithms: ['ECDSA-P256', 'RSA-3072'],
      maxValidityDays: 90,
      allowedIssuers: ['builtin'],
      deliveries: ['csr', 'secret', 'cert-manager'],
      allowedClusters: ['prod'],
      allowedNamespaces: ['{{kubernetes.namespace}}'],
      autoApprove: {
        maxValidityDays: 30,
        issuers: ['builtin'],
        deliveries: ['csr'],
      },
      approvals: { required: 2, approvers: ['group:default/security'] },
      caIssuers: ['builtin'],
    };
    expect(certificatePolicySchema.parse(policy)).toEqual(policy);
  });

  it('gives a policy without DNS patterns none', () => {
    expect(certificatePolicySchema.parse({ name: 'p' })).toEqual({
      name: 'p',
      allowedDnsNames: [],
    });
  });

  it.each([
    [{ ...base, maxValidityDays: '30' }, ['maxValidityDays']],
    [{ ...base, maxValidityDay: 30 }, []],
    [{ ...base, selector: { owners: ['x'] } }, ['selector']],
    [{ ...base, keyAlgorithms: ['RSA-1024'] }, ['keyAlgorithms', 0]],
    [{ ...base, deliveries: ['ftp'] }, ['deliveries', 0]],
    [{ ...base, autoApprove: 'yes' }, ['autoApprove']],
    [{ ...base, approvals: { required: 1.5 } }, ['approvals', 'required']],
    [{ ...base, approvals: { required: 0 } }, ['approvals', 'required']],
    [{ ...base, name: '' }, ['name']],
  ])('refuses %j at its path', (policy, path) => {
    const result = certificatePolicySchema.safeParse(policy);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0].path).toEqual(path);
  });

  it('refuses two policies of one name, naming the second', () => {
    const result = certificatePoliciesSchema.safeParse([base, base]);
    expect(result.error?.issues).toEqual([
      expect.objectContaining({
        path: [1, 'name'],
        message: "Duplicate policy name 'services'",
      }),
    ]);
  });
});
