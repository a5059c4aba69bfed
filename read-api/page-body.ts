import { z } from 'zod';
import type { Page } from '../projections/projector/keyset-cursor.ts';

/** A list answer always names `nextCursor`: `null` on the last page, so clients loop `while (nextCursor)`. */
export const pageBody = <T>({ items, nextCursor }: Page<T>): { items: T[]; nextCursor: string | null } => ({
  items,
  nextCursor: nextCursor ?? null,
});

/** The schema of a page of `item`. */
export const pageOf = (item: z.ZodType) =>
  z.strictObject({
    items: z.array(item),
    nextCursor: z.string().nullable().meta({ description: 'pass as `cursor` for the next page; null on the last' }),
  });
