import type { Message } from 'kafkajs';

const bytes = (value: string | Buffer | null | undefined): number => {
  if (value === null || value === undefined) return 0;
  return typeof value === 'string' ? Buffer.byteLength(value) : value.length;
};

/** Key, value and every header name and value: the bytes of one record a producer sends. */
export const kafkaRecordBytes = (message: Message): number => {
  let total = bytes(message.key) + bytes(message.value);
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    total += Buffer.byteLength(name);
    if (Array.isArray(value)) for (const item of value) total += bytes(item);
    else total += bytes(value);
  }
  return total;
};
