import {
  openApiServerTargets,
  parseEndpoint,
  parseEndpointList,
} from './endpointTargets';

describe('parseEndpointList', () => {
  it('reads host:port lists with a default port of 443', () => {
    expect(
      parseEndpointList('api.example.com:8443, Web.example.com ,[::1]:9443'),
    ).toEqual({
      targets: [
        { host: 'api.example.com', port: 8443 },
        { host: 'web.example.com', port: 443 },
        { host: '::1', port: 9443 },
      ],
      errors: [],
    });
  });

  it('rejects what is not a host and port, and keeps the rest', () => {
    const { targets, errors } = parseEndpointList(
      'ok.example.com, http://x.example.com/, bad_host!:1, a.example.com:0, a.example.com:70000',
    );
    expect(targets).toEqual([{ host: 'ok.example.com', port: 443 }]);
    expect(errors).toHaveLength(4);
  });

  it('caps the number per entity and says so', () => {
    const value = Array.from(
      { length: 30 },
      (_, i) => `h${i}.example.com`,
    ).join(',');
    const { targets, errors } = parseEndpointList(value, 5);
    expect(targets).toHaveLength(5);
    expect(errors).toEqual(['25 endpoint(s) left out: at most 5 per entity']);
  });

  it('removes duplicates', () => {
    expect(
      parseEndpointList('a.example.com, a.example.com:443').targets,
    ).toHaveLength(1);
    expect(parseEndpoint('a.example.com:443').target).toEqual({
      host: 'a.example.com',
      port: 443,
    });
  });
});

describe('openApiServerTargets', () => {
  it('takes absolute https servers only', () => {
    const doc = {
      servers: [
        { url: 'https://api.example.com/v1' },
        { url: 'https://api.example.com:8443' },
        { url: 'http://plain.example.com' },
        { url: '/relative' },
        { url: 'https://{region}.example.com' },
        { url: 42 },
        null,
      ],
    };
    const { targets, errors } = openApiServerTargets(doc);
    expect(targets).toEqual([
      { host: 'api.example.com', port: 443 },
      { host: 'api.example.com', port: 8443 },
    ]);
    expect(errors).toEqual([
      '"https://{region}.example.com" is templated; no host to scan',
    ]);
  });

  it('accepts anything without failing', () => {
    for (const doc of [undefined, null, 'x', 1, { servers: 'x' }]) {
      expect(openApiServerTargets(doc).targets).toEqual([]);
    }
  });
});
