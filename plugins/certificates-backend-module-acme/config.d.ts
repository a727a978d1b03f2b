export interface Config {
  certificates?: {
    /** ACME certificate authorities offered as issuers (module `acme`). */
    acme?: {
      /**
       * Folder for a generated account key when `certificates.builtinCa.encryptionKey`
       * is not set (`<dataDir>/acme/<issuer id>/`); orders, and with that key the
       * account key (encrypted), are in the database. Default: the CERTIFICATES_DATA_DIR
       * environment variable, else `./data` relative to the backend's working directory.
       */
      dataDir?: string;
      /** One entry per ACME account; each becomes an issuer with its own id. */
      issuers?: Array<{
        /** Issuer id used in requests and policy (`allowedIssuers`), e.g. `letsencrypt-staging`. Letters, digits, `.`, `_`, `-`. */
        id: string;
        /** Name shown in the request form. Default: the id. */
        displayName?: string;
        /** ACME directory URL, e.g. `https://acme-staging-v02.api.letsencrypt.org/directory`. */
        directoryUrl: string;
        /** Contact e-mail of the ACME account (the CA's expiry and policy notices go there). */
        email?: string;
        /** Agree to the CA's terms of service; most CAs (Let's Encrypt) refuse accounts without it. Default false. */
        termsOfServiceAgreed?: boolean;
        /**
         * PEM private key of the ACME account. When absent, a P-256 key is
         * generated on first use and kept in the database, encrypted with
         * `certificates.builtinCa.encryptionKey` (shared by every replica), or
         * without that key in `<dataDir>/acme/<id>/account-key.pem` (mode 0600).
         * @visibility secret
         */
        accountKey?: string;
        /** External account binding, required by some CAs (ZeroSSL, Google Trust Services, step-ca with EAB). */
        externalAccountBinding?: {
          /** Key identifier given by the CA. */
          kid: string;
          /**
           * Base64url HMAC key given by the CA.
           * @visibility secret
           */
          hmacKey: string;
        };
        /**
         * Extra CA certificates (PEM) trusted for this ACME server's TLS, on top of
         * the public roots, e.g. the CA of a private ACME server or pebble's test CA.
         * @visibility secret
         */
        caBundle?: string;
        /**
         * The CA's root certificate (PEM), shown as the issuer's CA in the portal.
         * @visibility secret
         */
        caCertificate?: string;
        /**
         * URL of the CA's root certificate (PEM), fetched for the portal when
         * `caCertificate` is not set, e.g. pebble's `https://127.0.0.1:15000/roots/0`.
         * Trusts `caBundle` like the directory does.
         */
        caCertificateUrl?: string;
        /** When the CA offers alternate chains, the issuer common name of the one to return, e.g. `ISRG Root X1`. */
        preferredChain?: string;
        /** How domain control is proven. */
        challenge?: {
          /** `http-01` (default) or `dns-01`. */
          type?: 'http-01' | 'dns-01';
          /**
           * `backend` (default for http-01): the backend answers at
           * `/.well-known/acme-challenge/<token>`; the CA's HTTP request for the
           * requested name must be routed to it (e.g. an ingress rule).
           * `webhook`: each challenge is POSTed to `webhook.url` (required for dns-01).
           */
          solver?: 'backend' | 'webhook';
          /** The external challenge handler, for solver `webhook`. */
          webhook?: {
            /** Receives `{ action: 'present' | 'cleanup', issuerId, type, identifier, token, keyAuthorization, dnsRecordName }` and answers 2xx once the answer is visible to the CA. */
            url: string;
            /**
             * Sent as `Authorization: Bearer <token>`.
             * @visibility secret
             */
            token?: string;
            /** How long one webhook call may take, e.g. `{ minutes: 2 }` (default) or `'90s'`. */
            timeout?:
              | { milliseconds?: number; seconds?: number; minutes?: number }
              | string;
          };
        };
      }>;
    };
  };
}
