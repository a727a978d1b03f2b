import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import express from 'express';
import request from 'supertest';
import { errorHandler } from '../__testUtils__';
import { ApprovalService } from '../approvals/ApprovalService';
import { createApprovalsRouter } from '../approvals/createApprovalsRouter';
import { AuditLog } from './AuditLog';
import { AUDITOR_EVENTS, reportToAuditor } from './auditorEvents';

describe('auditor events', () => {
  it('grades each action: trust and decisions high, writes medium, reads low', () => {
    const severity = (action: keyof typeof AUDITOR_EVENTS) =>
      AUDITOR_EVENTS[action].severityLevel;
    const graded = (level: string) =>
      Object.keys(AUDITOR_EVENTS)
        .filter(a => severity(a as keyof typeof AUDITOR_EVENTS) === level)
        .sort();
    expect(graded('high')).toEqual([
      'approved',
      'denied',
      'in-cluster-approved',
      'in-cluster-denied',
      'revoked',
      'trust-change-applied',
      'trust-change-approved',
      'trust-change-denied',
      'trust-change-requested',
    ]);
    expect(graded('medium')).toEqual([
      'cancelled',
      'created',
      'failed',
      'issued',
      'issuing',
      'renewed',
      'request-rejected',
    ]);
    expect(severity('audit-read')).toBe('low');
    const ids = Object.values(AUDITOR_EVENTS).map(e => e.eventId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z]+(-[a-z]+)*$/);
  });

  it('reports one event, a success or a failure with its reason', async () => {
    const auditor = mockServices.auditor.mock();
    const success = jest.fn();
    const fail = jest.fn();
    auditor.createEvent.mockResolvedValue({ success, fail });
    await reportToAuditor(auditor, 'revoked', {
      meta: { certificateId: 'c1' },
    });
    await reportToAuditor(auditor, 'approved', { failure: new Error('no') });
    expect(
      auditor.createEvent.mock.calls.map(([o]) => [o.eventId, o.severityLevel]),
    ).toEqual([
      ['certificate-revoked', 'high'],
      ['request-approved', 'high'],
    ]);
    expect(success).toHaveBeenCalledTimes(1);
    expect(fail).toHaveBeenCalledWith({ error: new Error('no') });
    await expect(
      reportToAuditor(undefined, 'created'),
    ).resolves.toBeUndefined();
  });

  describe('GET /audit', () => {
    function app(result: AuthorizeResult) {
      const auditor = mockServices.auditor.mock();
      const success = jest.fn();
      const fail = jest.fn();
      auditor.createEvent.mockResolvedValue({ success, fail });
      const audit = {
        list: jest.fn(async () => ({ items: [] })),
      } as unknown as AuditLog;
      const permissions = mockServices.permissions.mock({
        authorize: async () => [{ result }] as any,
      });
      const server = express();
      server.use(
        createApprovalsRouter({
          service: {} as ApprovalService,
          audit,
          permissions,
          auditor,
          external: [],
          httpAuth: mockServices.httpAuth({
            defaultCredentials: mockCredentials.user('user:default/sam'),
          }),
          userInfo: mockServices.userInfo({
            ownershipEntityRefs: ['user:default/sam'],
          }),
        }),
      );
      server.use(errorHandler());
      return { server, auditor, success, fail, audit };
    }

    it('reports a read of the trail as a low audit-read event', async () => {
      const { server, auditor, success } = app(AuthorizeResult.ALLOW);
      const response = await request(server)
        .get('/audit')
        .query({ requestId: 'r1' });
      expect(response.status).toBe(200);
      expect(auditor.createEvent).toHaveBeenCalledTimes(1);
      expect(auditor.createEvent).toHaveBeenCalledWith(
        expect.objectContaining({
          eventId: 'audit-read',
          severityLevel: 'low',
        }),
      );
      expect(success).toHaveBeenCalledTimes(1);
    });

    it('filters by every action the trail records, trust changes included, and refuses others', async () => {
      const { server, audit } = app(AuthorizeResult.ALLOW);
      const ok = await request(server)
        .get('/audit')
        .query({ action: 'trust-change-approved' });
      expect(ok.status).toBe(200);
      expect(audit.list).toHaveBeenCalledWith(
        expect.objectContaining({ action: ['trust-change-approved'] }),
      );
      const bad = await request(server).get('/audit').query({ action: 'x' });
      expect(bad.status).toBe(400);
      expect(audit.list).toHaveBeenCalledTimes(1);
    });

    it('reports a refused read as a failed event, and reads nothing', async () => {
      const { server, auditor, fail, audit } = app(AuthorizeResult.DENY);
      const response = await request(server).get('/audit');
      expect(response.status).toBe(403);
      expect(auditor.createEvent).toHaveBeenCalledTimes(1);
      expect(fail).toHaveBeenCalledTimes(1);
      expect(audit.list).not.toHaveBeenCalled();
    });
  });
});
