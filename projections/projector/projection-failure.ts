import { isPoison } from '../../platform/kafka/failure.ts';

/**
 * SQLSTATEs that the same event will raise on every attempt: the data does not fit the table
 * (class 22: data exception) or breaks a NOT NULL / CHECK constraint. Retrying would stall the
 * partition forever, so the record is dead-lettered like any other poison.
 */
const deterministicSqlStates = (code: string): boolean => code.startsWith('22') || code === '23502' || code === '23514';

const sqlStateOf = (error: unknown): string | undefined => {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const code = (error as { code: unknown }).code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
};

export const isProjectionPoison = (error: unknown): boolean => {
  if (isPoison(error)) return true;
  const code = sqlStateOf(error);
  return code !== undefined && deterministicSqlStates(code);
};
