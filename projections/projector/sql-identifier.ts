/**
 * Table names reach SQL as identifiers, never as parameters, so each one is checked here: a read
 * model can be pointed at a shadow copy (`read_orders_rebuild`) without any string reaching SQL unchecked.
 */
export const sqlIdentifier = (name: string): string => {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`not a plain lower-case SQL identifier: "${name}"`);
  return `"${name}"`;
};
