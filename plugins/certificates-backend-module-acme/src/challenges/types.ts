/** Challenge types this module can answer. tls-alpn-01 is not supported. */
export type AcmeChallengeType = 'http-01' | 'dns-01';

/** One challenge the ACME server wants answered before it issues. */
export interface AcmeChallenge {
  type: AcmeChallengeType;
  /** The identifier being proven, e.g. `{ type: 'dns', value: 'app.example.com' }`. */
  identifier: { type: 'dns' | 'ip'; value: string };
  token: string;
  /**
   * What the CA expects to find: for http-01 the body served at
   * `http://<identifier>/.well-known/acme-challenge/<token>`; for dns-01 the
   * TXT record value (already digested, RFC 8555 section 8.4).
   */
  keyAuthorization: string;
  /** dns-01 only: the TXT record name, `_acme-challenge.<domain>`. */
  dnsRecordName?: string;
}

/**
 * Makes a challenge answerable (serve the http-01 body, publish the dns-01 TXT
 * record) and removes it afterwards. `present` must only resolve once the CA can
 * see the answer. Implement this to plug in another DNS provider or proxy, and
 * pass it to `AcmeIssuer.create({ solver })` from your own module.
 */
export interface ChallengeSolver {
  readonly type: AcmeChallengeType;
  present(challenge: AcmeChallenge): Promise<void>;
  cleanup(challenge: AcmeChallenge): Promise<void>;
}
