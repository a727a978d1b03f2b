import type { IncomingMessage, ServerResponse } from 'node:http';
import { AcmeChallenge, ChallengeSolver } from './types';

/** Mount path of the responder on the backend's root router. */
export const ACME_CHALLENGE_PATH = '/.well-known/acme-challenge';

const TOKEN_PATTERN = /^[A-Za-z0-9_-]+$/;

/**
 * Answers http-01 challenges from the backend itself, at
 * `/.well-known/acme-challenge/<token>` on the backend's root router.
 *
 * This only helps when the CA's request for `http://<name>/.well-known/acme-challenge/...`
 * actually reaches this backend, e.g. through an ingress rule that forwards that
 * path for the requested host to Backstage. Tokens live in memory, so with
 * several backend replicas the forwarding must reach the replica that ordered.
 */
export class Http01ChallengeResponder implements ChallengeSolver {
  readonly type = 'http-01' as const;
  readonly #answers = new Map<string, string>();

  static create(): Http01ChallengeResponder {
    return new Http01ChallengeResponder();
  }

  private constructor() {}

  async present(challenge: AcmeChallenge): Promise<void> {
    this.#answers.set(challenge.token, challenge.keyAuthorization);
  }

  async cleanup(challenge: AcmeChallenge): Promise<void> {
    this.#answers.delete(challenge.token);
  }

  /** Number of challenges currently being answered. */
  get pendingCount(): number {
    return this.#answers.size;
  }

  /**
   * Request handler for the root router, mounted at ACME_CHALLENGE_PATH
   * (so `req.url` is `/<token>`). Unauthenticated by design: the CA calls it.
   */
  readonly handler = (
    req: IncomingMessage,
    res: ServerResponse,
    next: () => void,
  ): void => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      next();
      return;
    }
    const token = (req.url ?? '').replace(/^\//, '').split('?')[0];
    const answer = TOKEN_PATTERN.test(token) ? this.#answers.get(token) : undefined;
    if (answer === undefined) {
      res.statusCode = 404;
      res.setHeader('Content-Type', 'text/plain');
      res.end('unknown challenge token');
      return;
    }
    res.statusCode = 200;
    res.setHeader('Content-Type', 'application/octet-stream');
    res.end(req.method === 'HEAD' ? undefined : answer);
  };
}
