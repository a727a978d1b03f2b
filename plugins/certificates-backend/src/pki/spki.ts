import { CURVE_NAMES } from '@kubecerts/backstage-plugin-certificates-common';
import { createPublicKey } from 'node:crypto';
import { oid, readChildren, readElement, TAG } from './der';

/** A public key's type and size, named as node's KeyObject names them. */
export interface PublicKeyFacts {
  /** e.g. rsa, ec, ed25519 (KeyObject.asymmetricKeyType). */
  type: string;
  /** RSA modulus bits. */
  modulusLength?: number;
  /** RSA public exponent. */
  publicExponent?: bigint;
  /** OpenSSL's curve name, e.g. prime256v1. */
  namedCurve?: string;
}

const RSA = oid('1.2.840.113549.1.1.1');
const EC = oid('1.2.840.10045.2.1');
// Keyed by the OID's DER (hex), so a curve is found without decoding it.
const CURVES = new Map<string, string>(
  Object.entries(CURVE_NAMES).map(([dotted, name]) => [
    oid(dotted).toString('hex'),
    name,
  ]),
);

function bitLength(magnitude: Buffer): number {
  let start = 0;
  while (start < magnitude.length && magnitude[start] === 0) start++;
  if (start === magnitude.length) return 0;
  return (magnitude.length - start - 1) * 8 + (32 - Math.clz32(magnitude[start]));
}

function fromDer(spki: Buffer): PublicKeyFacts | undefined {
  const [algorithm, key] = readChildren(readElement(spki).content);
  const [type, parameters] = readChildren(algorithm.content);
  if (type.raw.equals(EC) && parameters?.tag === TAG.OID) {
    const namedCurve = CURVES.get(parameters.raw.toString('hex'));
    return namedCurve ? { type: 'ec', namedCurve } : undefined;
  }
  if (type.raw.equals(RSA) && key.tag === TAG.BIT_STRING) {
    // RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }
    const [modulus, exponent] = readChildren(
      readElement(key.content.subarray(1)).content,
    );
    return {
      type: 'rsa',
      modulusLength: bitLength(modulus.content),
      publicExponent: BigInt(`0x${exponent.content.toString('hex') || '0'}`),
    };
  }
  return undefined;
}

/**
 * The type and size of a DER SubjectPublicKeyInfo's key, read from the DER
 * for RSA and the P-256/384/521 curves (a few microseconds), through a
 * KeyObject for anything else. Throws when it is not a public key.
 */
export function publicKeyFacts(spki: Buffer): PublicKeyFacts {
  let facts: PublicKeyFacts | undefined;
  try {
    facts = fromDer(spki);
  } catch {
    facts = undefined;
  }
  if (facts) return facts;
  const key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
  const details = key.asymmetricKeyDetails ?? {};
  return {
    type: key.asymmetricKeyType ?? 'unknown',
    modulusLength: details.modulusLength,
    publicExponent: details.publicExponent,
    namedCurve: details.namedCurve,
  };
}
