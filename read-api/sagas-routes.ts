import Router from '@koa/router';
import { notFound } from '../domain/errors.ts';
import { getSaga, listSagas, sagaStates } from '../projections/sagas/saga-queries.ts';
import { pageBody } from './page-body.ts';
import { pathParam, readQuery } from './query-params.ts';
import type { ReadRoutesDependencies } from './read-routes.ts';

/** `GET /sagas/:orderId` (with its step timeline) and `GET /sagas?state=&limit=&cursor=` (newest first). */
export const sagasRoutes = ({ pool, consistency }: ReadRoutesDependencies): Router => {
  const router = new Router({ prefix: '/sagas' });
  router.use(consistency);

  router.get('/', async (ctx) => {
    const query = readQuery(ctx.query, (params) => ({
      state: params.optionalOneOf('state', sagaStates),
      limit: params.pageSize(),
      cursor: params.optionalString('cursor', 800),
    }));
    ctx.body = pageBody(await listSagas(pool, query));
  });

  router.get('/:orderId', async (ctx) => {
    const orderId = pathParam(ctx.params.orderId, 'orderId');
    const saga = await getSaga(pool, orderId);
    if (!saga) throw notFound(`no saga for order ${orderId}`);
    ctx.body = saga;
  });

  return router;
};
