import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { mockServices } from '@backstage/backend-test-utils';
import express from 'express';
import Router from 'express-promise-router';
import request from 'supertest';
import { refuseControlCharactersInIds } from './pathIds';

function app() {
  const router = Router();
  refuseControlCharactersInIds(router, 'Request');
  router.get('/requests/:id', (req, res) => {
    res.json({ id: req.params.id });
  });
  const middleware = MiddlewareFactory.create({
    config: mockServices.rootConfig(),
    logger: mockServices.logger.mock(),
  });
  return express().use(router).use(middleware.error());
}

describe('refuseControlCharactersInIds', () => {
  it.each(['abc%00', '%0d%0aSet-Cookie:x', 'a%1bb', 'a%7f'])(
    'answers 400 for %s before the route reads it',
    async id => {
      const res = await request(app()).get(`/requests/${id}`);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toBe(
        'Request id must not contain control characters',
      );
    },
  );

  it('passes any other id to the route', async () => {
    const res = await request(app()).get('/requests/r-1%20%E2%9C%93');
    expect(res.status).toBe(200);
    expect(res.body.id).toBe('r-1 ✓');
  });
});
