import type pg from 'pg';

/**
 * One rebuild per read model and schema at a time: a session advisory lock keyed by the schema and the
 * projection. A killed rebuild's session ends and its lock with it, so the lock never needs clearing.
 */
const lockKey = `hashtext(current_schema()), hashtext('ops.rebuild:' || $1)`;

/** Takes the lock on this session; false when another rebuild holds it. */
export const tryLockRebuild = async (session: pg.ClientBase, projection: string): Promise<boolean> => {
  const { rows } = await session.query<{ locked: boolean }>(`SELECT pg_try_advisory_lock(${lockKey}) AS locked`, [
    projection,
  ]);
  return rows[0]?.locked === true;
};

export const unlockRebuild = async (session: pg.ClientBase, projection: string): Promise<void> => {
  await session.query(`SELECT pg_advisory_unlock(${lockKey})`, [projection]);
};

/** Whether a rebuild of the projection runs right now (in any process). */
export const isRebuilding = async (session: pg.ClientBase, projection: string): Promise<boolean> => {
  if (!(await tryLockRebuild(session, projection))) return true;
  await unlockRebuild(session, projection);
  return false;
};
