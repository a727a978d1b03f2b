/** A status condition of a cert-manager object. */
export interface CertManagerCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

export interface IssuerReference {
  name: string;
  kind?: string;
  group?: string;
}

/** The fields of cert-manager objects this plugin reads. */
export interface CertManagerObject<Spec> {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: Array<{ kind: string; name: string; uid?: string }>;
    /** Names the version a conditional write expects. */
    resourceVersion?: string;
    creationTimestamp?: string;
  };
  spec: Spec;
  status?: { conditions?: CertManagerCondition[] };
}

export type CertManagerCertificate = CertManagerObject<{
  secretName?: string;
  commonName?: string;
  dnsNames?: string[];
  ipAddresses?: string[];
  uris?: string[];
  duration?: string;
  privateKey?: { algorithm?: string; size?: number; rotationPolicy?: string };
  usages?: string[];
  issuerRef?: IssuerReference;
  secretTemplate?: { labels?: Record<string, string> };
}>;

export type CertManagerCertificateRequest = CertManagerObject<{
  request?: string;
  issuerRef?: IssuerReference;
  username?: string;
  duration?: string;
  isCA?: boolean;
  usages?: string[];
}>;

export type CertManagerIssuer = CertManagerObject<Record<string, unknown>>;

/** The condition of `type`, if the object has it. */
export function conditionOf(
  object: CertManagerObject<unknown> | undefined,
  type: string,
): CertManagerCondition | undefined {
  return object?.status?.conditions?.find(c => c.type === type);
}
