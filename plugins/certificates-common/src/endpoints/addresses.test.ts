import { addressAllowed, classifyAddress } from './addresses';

const closed = { allowPrivateNetworks: false, allowLoopback: false };
const open = { allowPrivateNetworks: true, allowLoopback: true };

describe('classifyAddress', () => {
  it.each([
    ['8.8.8.8', 'public'],
    ['10.1.2.3', 'private'],
    ['172.20.0.1', 'private'],
    ['172.32.0.1', 'public'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'private'],
    ['127.0.0.1', 'loopback'],
    ['169.254.169.254', 'link-local'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['::1', 'loopback'],
    ['fe80::1', 'link-local'],
    ['fd00::1', 'private'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['2001:db8::1', 'public'],
  ])('%s is %s', (address, expected) => {
    expect(classifyAddress(address)).toBe(expected);
  });
});

describe('addressAllowed', () => {
  it('never allows link-local (cloud metadata), whatever the settings', () => {
    expect(addressAllowed('169.254.169.254', open).allowed).toBe(false);
    expect(addressAllowed('::ffff:169.254.169.254', open).allowed).toBe(false);
    expect(addressAllowed('0.0.0.0', open).allowed).toBe(false);
  });

  it('allows private and loopback addresses only when configured', () => {
    expect(addressAllowed('10.0.0.1', closed)).toEqual({
      allowed: false,
      reason:
        '10.0.0.1 is a private address and certificates.endpoints.allowPrivateNetworks is false',
    });
    expect(addressAllowed('127.0.0.1', closed).allowed).toBe(false);
    expect(addressAllowed('10.0.0.1', open).allowed).toBe(true);
    expect(addressAllowed('127.0.0.1', open).allowed).toBe(true);
    expect(addressAllowed('8.8.8.8', closed).allowed).toBe(true);
  });
});
