import { refuseApiServerUrl } from './apiServerUrl';

const lookup = async (host: string) =>
  ({
    'public.example.com': ['203.0.113.7'],
    'rebound.example.com': ['203.0.113.7', '::ffff:127.0.0.1'],
    'v6.example.com': ['2001:db8::1'],
    'ula.example.com': ['fd12::1'],
  }[host] ?? []);

describe('refuseApiServerUrl (catalog-provided API server URLs)', () => {
  it.each([
    'https://public.example.com:6443',
    'https://203.0.113.7',
    'https://v6.example.com',
  ])('accepts %s', async url => {
    expect(await refuseApiServerUrl(url, { lookup })).toBeUndefined();
  });

  it.each([
    ['http://public.example.com', 'must use https'],
    ['ftp://public.example.com', 'must use https'],
    ['https://u:p@public.example.com', 'must not contain credentials'],
    ['not a url', 'not a valid URL'],
    ['https://127.0.0.1:6443', 'not a public address'],
    ['https://[::1]', 'not a public address'],
    ['https://[::ffff:10.0.0.1]', 'not a public address'],
    ['https://169.254.169.254', 'not a public address'],
    ['https://100.64.0.1', 'not a public address'],
    ['https://rebound.example.com', 'not a public address'],
    ['https://ula.example.com', 'not a public address'],
    ['https://unknown.example.com', 'not a public address'],
  ])('refuses %s', async (url, reason) => {
    expect(await refuseApiServerUrl(url, { lookup })).toContain(reason);
  });

  it('lets app-config allow hosts, by name or wildcard', async () => {
    const allowedHosts = ['127.0.0.1', '*.corp.example'];
    for (const url of [
      'http://127.0.0.1:8001',
      'https://k8s.corp.example',
      'https://corp.example',
    ]) {
      expect(
        await refuseApiServerUrl(url, { allowedHosts, lookup }),
      ).toBeUndefined();
    }
    expect(
      await refuseApiServerUrl('https://evilcorp.example', {
        allowedHosts,
        lookup,
      }),
    ).toContain('not a public address');
  });
});
