import type { Page } from '../projections/projector/keyset-cursor.ts';

/** A list answer always names `nextCursor`: `null` on the last page, so clients loop `while (nextCursor)`. */
export const pageBody = <T>({ items, nextCursor }: Page<T>): { items: T[]; nextCursor: string | null } => ({
  items,
  nextCursor: nextCursor ?? null,
});
