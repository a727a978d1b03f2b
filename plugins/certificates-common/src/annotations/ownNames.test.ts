import * as own from './ownNames';

const {
  REQUEST_ID_LABEL,
  LEGACY_REQUEST_ID_LABEL,
  readOwnName,
  legacyNameOf,
  isOwnName,
} = own;

describe('own label and annotation names', () => {
  it('writes every name in the kubecerts.dev domain, and keeps the earlier ones to read', () => {
    const written = Object.entries(own).filter(
      ([key, value]) =>
        /_(LABEL|ANNOTATION)$/.test(key) && typeof value === 'string',
    );
    expect(written.length).toBeGreaterThanOrEqual(12);
    for (const [key, name] of written) {
      expect(name).toMatch(
        key.startsWith('LEGACY_')
          ? /^certificates\.backstage\.io\/[a-z-]+$/
          : /^kubecerts\.dev\/[a-z-]+$/,
      );
    }
  });

  it('knows the earlier name of each', () => {
    expect(legacyNameOf(REQUEST_ID_LABEL)).toBe(LEGACY_REQUEST_ID_LABEL);
    expect(legacyNameOf(own.KUBERNETES_USERNAMES_ANNOTATION)).toBe(
      own.LEGACY_KUBERNETES_USERNAMES_ANNOTATION,
    );
    expect(LEGACY_REQUEST_ID_LABEL).toBe(
      'certificates.backstage.io/request-id',
    );
    expect(legacyNameOf('backstage.io/kubernetes-id')).toBe(
      'backstage.io/kubernetes-id',
    );
  });

  it('reads the new name, else the old one; the new one wins', () => {
    expect(readOwnName({ [REQUEST_ID_LABEL]: 'new' }, REQUEST_ID_LABEL)).toBe(
      'new',
    );
    expect(
      readOwnName({ [LEGACY_REQUEST_ID_LABEL]: 'old' }, REQUEST_ID_LABEL),
    ).toBe('old');
    expect(
      readOwnName(
        { [LEGACY_REQUEST_ID_LABEL]: 'old', [REQUEST_ID_LABEL]: 'new' },
        REQUEST_ID_LABEL,
      ),
    ).toBe('new');
    expect(
      readOwnName({ [REQUEST_ID_LABEL]: '' }, REQUEST_ID_LABEL),
    ).toBeUndefined();
    expect(readOwnName(undefined, REQUEST_ID_LABEL)).toBeUndefined();
  });

  it('recognises its names under either domain, and nothing else', () => {
    expect(isOwnName('kubecerts.dev/kubernetes-usernames')).toBe(true);
    expect(isOwnName('certificates.backstage.io/kubernetes-usernames')).toBe(
      true,
    );
    expect(isOwnName('backstage.io/kubernetes-id')).toBe(false);
  });
});
