export {
  TAG,
  tlv,
  sequence,
  unsignedInteger,
  oid,
  time,
  bitString,
  octetString,
  readElement,
  readChildren,
} from './der';
export type { DerElement } from './der';
export { derToPem, pemBlocks, csrSubjectPublicKeyInfo, splitPem } from './pem';
export { publicKeyFacts } from './spki';
export type { PublicKeyFacts } from './spki';
export { x509 } from './x509';
export {
  LeafSigner,
  LEAF_SIGNATURE_ALGORITHM,
  ipAddressBytes,
  randomSerial,
} from './leafSigner';
export type { LeafParams, SignedLeaf } from './leafSigner';
export {
  parseCsrDer,
  decodeOid,
  basicConstraintsCa,
  subjectAltNames,
} from './csrDer';
export type { ParsedCsr, CsrGeneralName } from './csrDer';
export {
  readSignatureAlgorithm,
  readSignatureAlgorithmOid,
} from './derSignatureAlgorithm';
export { leafFingerprintOf } from './leafFingerprint';
export { readCertificateFacts } from './certificateFacts';
export type { CertificateFacts } from './certificateFacts';
