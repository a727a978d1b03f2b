import { createPublicKey, generateKeyPairSync, KeyObject } from 'node:crypto';
import { publicKeyFacts } from './spki';

function spkiOf(key: KeyObject): Buffer {
  return key.export({ type: 'spki', format: 'der' }) as Buffer;
}

describe('publicKeyFacts', () => {
  it.each([
    ['P-256', () => generateKeyPairSync('ec', { namedCurve: 'P-256' })],
    ['P-384', () => generateKeyPairSync('ec', { namedCurve: 'P-384' })],
    ['P-521', () => generateKeyPairSync('ec', { namedCurve: 'P-521' })],
    ['secp256k1', () => generateKeyPairSync('ec', { namedCurve: 'secp256k1' })],
    ['RSA 2048', () => generateKeyPairSync('rsa', { modulusLength: 2048 })],
    ['RSA 3072, exponent 3', () => generateKeyPairSync('rsa', { modulusLength: 3072, publicExponent: 3 })],
    ['Ed25519', () => generateKeyPairSync('ed25519')],
  ])('%s: what node reads from the key', (_label, generate) => {
    const spki = spkiOf(generate().publicKey);
    const key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
    const details = key.asymmetricKeyDetails ?? {};
    expect(publicKeyFacts(spki)).toEqual({
      type: key.asymmetricKeyType,
      modulusLength: details.modulusLength,
      publicExponent: details.publicExponent,
      namedCurve: details.namedCurve,
    });
  });

  it('throws for bytes that are no public key', () => {
    expect(() => publicKeyFacts(Buffer.from([0x30, 0x03, 0x02, 0x01, 0x00]))).toThrow();
  });
});
