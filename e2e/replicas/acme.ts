/*
 * The ACME part of the multi-replica test: a real ACME server (pebble) and a
 * dns-01 webhook the replicas hand their challenges to. The webhook holds
 * the first `present` call open, so the replica that placed the order is
 * still in the middle of it when the test kills it; every later call is
 * answered at once (pebble is told every challenge is valid).
 */
import {
  createServer,
  IncomingMessage,
  Server,
  ServerResponse,
} from 'node:http';
import {
  PebbleServer,
  startPebble,
} from '../../plugins/certificates-backend-module-acme/src/__testUtils__/pebble';

export interface ChallengeCall {
  action: 'present' | 'cleanup';
  token: string;
  identifier: string;
}

export interface AcmeFixture {
  /** `certificates.acme` for every replica's config. */
  config: object;
  /** Every call the replicas made to the challenge webhook, in order. */
  calls: ChallengeCall[];
  /** Resolves once a `present` call is being held open. */
  held: Promise<ChallengeCall>;
  stop(): Promise<void>;
}

export const ACME_ISSUER = 'pebble';

export async function startAcme(): Promise<AcmeFixture> {
  const pebble: PebbleServer = await startPebble({
    env: {
      PEBBLE_VA_ALWAYS_VALID: '1',
      // Every order asks for its own authorization: a second order would
      // show as a second challenge token.
      PEBBLE_AUTHZREUSE: '0',
    },
  });
  const calls: ChallengeCall[] = [];
  const open = new Set<ServerResponse>();
  let holding = true;
  let onHeld!: (call: ChallengeCall) => void;
  const held = new Promise<ChallengeCall>(r => (onHeld = r));

  const hook: Server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', chunk => (body += chunk));
    req.on('end', () => {
      const payload = JSON.parse(body || '{}');
      const call: ChallengeCall = {
        action: payload.action,
        token: payload.token,
        identifier: payload.identifier?.value,
      };
      calls.push(call);
      if (call.action === 'present' && holding) {
        // Held until the replica that made it is killed.
        holding = false;
        open.add(res);
        onHeld(call);
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>(r => hook.listen(0, '127.0.0.1', () => r()));
  const port = (hook.address() as { port: number }).port;

  return {
    config: {
      issuers: [
        {
          id: ACME_ISSUER,
          directoryUrl: pebble.directoryUrl,
          email: 'pki@example.com',
          termsOfServiceAgreed: true,
          caBundle: pebble.tlsCaPem,
          caCertificateUrl: `${pebble.managementUrl}/roots/0`,
          challenge: {
            type: 'dns-01',
            solver: 'webhook',
            webhook: {
              url: `http://127.0.0.1:${port}/hook`,
              timeout: { minutes: 2 },
            },
          },
        },
      ],
    },
    calls,
    held,
    async stop() {
      for (const res of open) res.destroy();
      await new Promise<void>(r => hook.close(() => r()));
      await pebble.stop();
    },
  };
}

interface ScenarioReplica {
  name: string;
  pid: number;
  logs: string[];
  kill(): Promise<void>;
}

export interface AcmeScenario {
  acme: AcmeFixture;
  replicas: [ScenarioReplica, ScenarioReplica];
  /** Submits as the requester on the first replica; answers the request id. */
  submit(names: string[]): Promise<string | undefined>;
  /** Approves as the approver on the second replica; answers the HTTP status. */
  approve(id: string): Promise<number>;
  /** The request's state as the second replica's API answers it. */
  stateOf(id: string): Promise<string | undefined>;
  /** The request's issuance lease holder, from the database. */
  leaseOwner(id: string): Promise<string | undefined>;
  /** The ACME orders the database records for the request. */
  orders(id: string): Promise<string[]>;
  check(name: string, ok: boolean, detail?: string): void;
  until<T>(
    what: () => Promise<T | undefined>,
    ms: number,
  ): Promise<T | undefined>;
}

/**
 * A request for an ACME certificate is approved; the replica that places
 * the order is SIGKILLed while its challenge is being presented; the other
 * replica resumes the same order once the issuance lease lapses: one order,
 * one certificate.
 */
export async function acmeOrderHandedOver(s: AcmeScenario) {
  const names = ['shop.example.com'];
  const id = await s.submit(names);
  if (!id) {
    s.check('an ACME request is submitted', false);
    return;
  }
  // The approving replica starts issuing before it answers, so the answer
  // comes only once the order is settled: not awaited here.
  const approval = s.approve(id).catch(() => 0);
  const heldCall = await Promise.race([
    s.acme.held,
    new Promise<undefined>(r => setTimeout(() => r(undefined), 60_000)),
  ]);
  const owner = heldCall ? await s.leaseOwner(id) : undefined;
  const victim = s.replicas.find(r => owner?.includes(`/${r.pid}/`));
  const survivor = s.replicas.find(r => r !== victim);
  if (!heldCall || !victim || !survivor) {
    s.check(
      'an ACME order is placed and its challenge presented by one replica',
      false,
      `challenge held: ${Boolean(heldCall)}, lease owner ${owner}`,
    );
    return;
  }
  await victim.kill();
  // The killed replica's answer never comes; the survivor's would.
  const approved = await Promise.race([
    approval,
    new Promise<number>(r => setTimeout(() => r(-1), 1_000)),
  ]);
  const state = await s.until(async () => {
    const now = await s.stateOf(id);
    return now === 'issued' || now === 'failed' ? now : undefined;
  }, 90_000);
  const placed = (r: ScenarioReplica) =>
    r.logs
      .join('')
      .split('\n')
      .filter(l => l.includes('placed order') && l.includes(id));
  const resumed = survivor.logs
    .join('')
    .split('\n')
    .filter(l => l.includes('resumes order') && l.includes(id));
  const orders = await s.orders(id);
  const placedUrl = /placed order (\S+) for request/.exec(
    placed(victim)[0] ?? '',
  )?.[1];
  const sameOrder =
    Boolean(placedUrl) &&
    orders.length === 1 &&
    orders[0] === placedUrl &&
    resumed.some(l => l.includes(`resumes order ${placedUrl} `));
  const tokens = new Set(
    s.acme.calls.filter(c => c.action === 'present').map(c => c.token),
  );
  s.check(
    `an ACME order started on ${victim.name} (killed mid-challenge) and retried on ${survivor.name} gives one certificate`,
    state === 'issued' &&
      placed(victim).length === 1 &&
      placed(survivor).length === 0 &&
      sameOrder &&
      tokens.size === 1,
    `approval answer ${
      approved === -1 ? 'none (killed)' : approved
    }, state ${state}, orders placed ${placed(victim).length} on ${
      victim.name
    } and ${placed(survivor).length} on ${survivor.name}, resumed ${
      resumed.length
    } (same order: ${sameOrder}), ${tokens.size} challenge tokens`,
  );
}
