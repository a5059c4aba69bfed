import { describeError } from '../../platform/kafka/failure.ts';

/**
 * Startup steps against a broker that is busy (topic creation while other topics are created or
 * deleted can answer UNKNOWN_TOPIC_OR_PARTITION for a moment): a few attempts before giving up.
 */
export const retryStartup = async <T>(
  what: string,
  step: () => Promise<T>,
  { attempts = 6, log }: { attempts?: number; log?: (line: Record<string, unknown>) => void } = {},
): Promise<T> => {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      if (attempt >= attempts) throw error;
      log?.({ level: 'warn', msg: `${what} failed, retrying`, attempt, error: describeError(error) });
      await new Promise((resolve) => setTimeout(resolve, 200 * 2 ** attempt));
    }
  }
};
