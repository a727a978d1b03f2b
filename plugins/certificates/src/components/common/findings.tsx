import Chip from '@material-ui/core/Chip';
import {
  ENDPOINT_FINDING_TEXTS,
  Finding,
  FindingKind,
} from '@kubecerts/backstage-plugin-certificates-common';

export const FINDING_LABELS: Record<FindingKind, string> = {
  'weak-key': 'Weak key',
  'weak-signature': 'Weak signature',
  'self-signed': 'Self-signed',
  'untrusted-chain': 'Untrusted chain',
  'unapproved-issuer': 'Unapproved issuer',
  'validity-too-long': 'Validity too long',
  'no-san': 'No SAN',
  'key-mismatch': 'Key mismatch',
  unowned: 'Unowned',
  'is-ca': 'CA as server certificate',
  'unsupported-algorithm': 'Unsupported algorithm',
  'hostname-mismatch': 'Host name mismatch',
  'chain-incomplete': 'Incomplete chain served',
  'served-outdated': 'Outdated certificate served',
  'endpoint-unreachable': 'Endpoint unreachable',
};

/**
 * What each finding means and what to do, for when the backend sent no
 * sentence of its own (lists carry only the kinds).
 */
export const FINDING_EXPLANATIONS: Record<
  FindingKind,
  { message: string; remedy: string }
> = {
  'weak-key': {
    message:
      'The key is too weak (RSA below 2048 bits, DSA or an unusual EC curve).',
    remedy: 'Reissue the certificate with an ECDSA P-256 or RSA 2048+ key.',
  },
  'weak-signature': {
    message:
      'The certificate is signed with a broken hash (MD2, MD4, MD5 or SHA-1), so it can be forged.',
    remedy: 'Reissue it from a CA that signs with SHA-256 or better.',
  },
  'self-signed': {
    message:
      'The certificate is signed by its own key, so no client can verify who issued it.',
    remedy: 'Request a certificate from an approved issuer instead.',
  },
  'untrusted-chain': {
    message:
      'The chain does not lead to one of the approved root certificates, or a certificate on the way breaks a rule (not a CA, expired, path length, name constraints, key usage, broken hash).',
    remedy:
      'Reissue it from an approved issuer or add the missing intermediates to tls.crt.',
  },
  'unapproved-issuer': {
    message:
      'The certificate comes from an issuer that policy does not approve.',
    remedy: 'Request a replacement from one of the approved issuers.',
  },
  'validity-too-long': {
    message: 'The certificate is valid for longer than policy allows.',
    remedy:
      'Reissue it with a shorter lifetime and let it renew automatically.',
  },
  'no-san': {
    message:
      'The certificate has no subject alternative names, so modern clients reject it.',
    remedy: 'Reissue it with the host names as DNS SANs.',
  },
  'key-mismatch': {
    message:
      'The private key in the Secret does not belong to the certificate.',
    remedy:
      'Replace the Secret with a matching key and certificate; TLS fails as is.',
  },
  unowned: {
    message: 'No catalog entity owns this certificate.',
    remedy:
      'Label the Secret (or its Certificate or Ingress) with backstage.io/kubernetes-id matching an entity.',
  },
  'is-ca': {
    message: 'A CA certificate is used as a server certificate.',
    remedy:
      'Serve a leaf certificate issued by the CA instead of the CA itself.',
  },
  'unsupported-algorithm': {
    message:
      'The certificate uses a key or signature algorithm TLS clients do not accept (e.g. Ed448, GOST, SM2, DSA); it was read, but it will not work.',
    remedy:
      'Reissue it with an ECDSA P-256/P-384 or RSA key, signed with SHA-256 or stronger.',
  },
  ...ENDPOINT_FINDING_TEXTS,
};

/** The backend's sentence when there is one, else the local explanation. */
export function explainFinding(
  kind: FindingKind,
  details: Finding[] = [],
): { message: string; remedy: string } {
  const fromBackend = details.find(d => d.kind === kind);
  const local = FINDING_EXPLANATIONS[kind] ?? {
    message: kind,
    remedy: '',
  };
  return {
    message: fromBackend?.message ?? local.message,
    remedy: fromBackend?.remedy ?? local.remedy,
  };
}

/**
 * Findings as small chips; hovering one says what it means (a plain title:
 * a table holds many chips, and a tooltip component each costs its render).
 */
export const FindingChips = (props: { findings: FindingKind[] }) => {
  if (props.findings.length === 0) {
    return <>—</>;
  }
  return (
    <>
      {props.findings.map(kind => (
        <Chip
          key={kind}
          size="small"
          label={FINDING_LABELS[kind] ?? kind}
          title={FINDING_EXPLANATIONS[kind]?.message ?? kind}
          color={kind === 'unowned' ? 'default' : 'secondary'}
          variant="outlined"
          style={{ margin: 2 }}
        />
      ))}
    </>
  );
};
