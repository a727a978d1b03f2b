import { groupViolations, parseDnsNames } from './violations';

describe('groupViolations', () => {
  it('puts each reason beside its input, names by index, the rest in general', () => {
    const grouped = groupViolations([
      { field: 'dnsNames[2]', reason: 'not allowed' },
      { field: 'dnsNames', reason: 'at least one name' },
      { field: 'delivery.namespace', reason: 'namespace not allowed' },
      { field: 'validityDays', reason: 'too long' },
      { field: 'ipAddresses[0]', reason: 'IP SANs are not allowed' },
      { field: 'entityRef', reason: 'no policy' },
    ]);
    expect(grouped.byDnsName).toEqual({ 2: ['not allowed'] });
    expect(grouped.byField).toEqual({
      dnsNames: ['at least one name'],
      'delivery.namespace': ['namespace not allowed'],
      validityDays: ['too long'],
    });
    expect(grouped.general.map(v => v.field)).toEqual([
      'ipAddresses[0]',
      'entityRef',
    ]);
  });
});

describe('parseDnsNames', () => {
  it('takes one name per line and tolerates commas and blanks', () => {
    expect(
      parseDnsNames(' a.example.com\n\nb.example.com, c.example.com \n'),
    ).toEqual(['a.example.com', 'b.example.com', 'c.example.com']);
  });
});
