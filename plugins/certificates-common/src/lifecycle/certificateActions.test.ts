import { CertificateRequest } from '../types';
import {
  certificateActions,
  lineageOf,
  renewalDue,
  renewalRoute,
  renewalVerdict,
  revocationCheck,
} from './certificateActions';

const issued = {
  id: 'r1',
  state: 'issued',
  issuer: 'builtin',
  serialNumber: '0A',
} as CertificateRequest;

describe('certificate lifecycle actions', () => {
  it('allows both on an issued portal certificate of a revoking issuer', () => {
    expect(
      certificateActions({ request: issued, issuerCanRevoke: true }),
    ).toEqual({ renew: { allowed: true }, revoke: { allowed: true } });
    expect(renewalRoute({ request: issued, issuerCanRevoke: true })).toEqual({
      route: { via: 'request', request: issued },
    });
  });

  it('says why not, first reason first', () => {
    const facts = { request: issued, issuerCanRevoke: false };
    expect(certificateActions(facts).revoke.reason).toBe(
      'Its issuer builtin cannot revoke certificates from the portal.',
    );
    expect(
      certificateActions({
        ...facts,
        openRenewal: { ...issued, id: 'r2', state: 'pending' },
      }).renew.reason,
    ).toBe('A renewal is already under way: request r2 is pending.');
    expect(
      certificateActions({
        ...facts,
        newerRequest: { ...issued, id: 'r3', renewalOf: 'r1' },
      }).renew.reason,
    ).toBe('It was renewed since: request r3 is newer; renew that one.');
    expect(
      revocationCheck({
        request: { ...issued, revokedAt: '2026-11-29T00:00:00Z' },
        issuerCanRevoke: true,
      }),
    ).toEqual({ reason: 'It was already revoked (2026-11-29T00:00:00Z).' });
    expect(
      renewalRoute({
        request: { ...issued, state: 'pending' },
        issuerCanRevoke: true,
      }),
    ).toEqual({ reason: 'Its request r1 is pending, not issued.' });
    expect(
      renewalRoute({
        goneAt: '2026-11-01T00:00:00Z',
        request: issued,
        issuerCanRevoke: true,
      }),
    ).toEqual({ reason: 'Its Secret is gone from the cluster.' });
    expect(
      revocationCheck({ unknownRequestId: 'old', issuerCanRevoke: false }),
    ).toEqual({ reason: 'Its request old is not known to this portal.' });
  });

  it('renews a cert-manager certificate through its Certificate unless it is issuing', () => {
    const certManager = { namespace: 'pay', name: 'web', issuing: false };
    expect(renewalRoute({ certManager, issuerCanRevoke: false })).toEqual({
      route: { via: 'cert-manager', namespace: 'pay', name: 'web' },
    });
    expect(
      renewalRoute({
        certManager: { ...certManager, issuing: true },
        issuerCanRevoke: false,
      }),
    ).toEqual({
      reason: 'cert-manager is already issuing Certificate pay/web.',
    });
    expect(
      certificateActions({ certManager, issuerCanRevoke: false }).revoke
        .allowed,
    ).toBe(false);
  });

  it('keeps the first request of a lineage', () => {
    expect(lineageOf(issued)).toBe('r1');
    expect(lineageOf({ ...issued, id: 'r3', renewalOf: 'r1' })).toBe('r1');
  });
});

describe('renewalDue', () => {
  const notAfter = '2026-12-31T00:00:00.000Z';
  it('is due after two thirds of the lifetime by default', () => {
    // 30 days: due 10 days before expiry.
    expect(
      renewalDue({
        notAfter,
        validityDays: 30,
        now: new Date('2026-12-20T23:59:00Z'),
      }),
    ).toBe(false);
    expect(
      renewalDue({
        notAfter,
        validityDays: 30,
        now: new Date('2026-12-21T00:00:00Z'),
      }),
    ).toBe(true);
    expect(
      renewalDue({
        notAfter,
        validityDays: 30,
        now: new Date('2027-01-05T00:00:00Z'),
      }),
    ).toBe(true);
  });
  it('takes another fraction, and refuses nonsense', () => {
    expect(
      renewalDue({
        notAfter,
        validityDays: 100,
        fraction: 0.5,
        now: new Date('2026-11-21T00:00:00Z'),
      }),
    ).toBe(true);
    expect(
      renewalDue({ notAfter: 'soon', validityDays: 30, now: new Date() }),
    ).toBe(false);
    expect(renewalDue({ notAfter, validityDays: 0, now: new Date() })).toBe(
      false,
    );
  });
});

describe('renewalVerdict', () => {
  it('approves a renewal the policy allows, and refuses what it refuses', () => {
    expect(
      renewalVerdict({
        ok: true,
        violations: [],
        policyName: 'p',
        autoApprove: false,
        pendingReason: 'needs 2 approvals',
      }),
    ).toEqual({
      ok: true,
      violations: [],
      policyName: 'p',
      autoApprove: true,
      pendingReason: undefined,
    });
    const refused = {
      ok: false,
      violations: [{ field: 'dnsNames[0]', reason: 'not allowed' }],
    };
    expect(renewalVerdict(refused)).toBe(refused);
  });
});
