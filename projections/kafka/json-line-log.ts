import { log } from '../../platform/logger.ts';

/** The default log of the consumers, projectors and saga runtime: the process's pino logger (platform/logger.ts). */
export const jsonLineLog = log;
