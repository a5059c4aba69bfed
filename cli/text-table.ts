/** A column of a human table; `right` aligns numbers. */
export interface Column {
  header: string;
  right?: boolean;
  /** Longer cells are cut with an ellipsis. */
  max?: number;
}

const cut = (text: string, max: number | undefined): string =>
  max !== undefined && text.length > max ? `${text.slice(0, Math.max(1, max - 1))}…` : text;

/** Plain aligned columns, two spaces apart, header first; one line per row, no trailing spaces. */
export const renderTable = (columns: readonly Column[], rows: readonly (readonly string[])[]): string => {
  const cells = rows.map((row) =>
    columns.map((column, index) => cut((row[index] ?? '').replace(/\s+/g, ' '), column.max)),
  );
  const widths = columns.map((column, index) =>
    Math.max(column.header.length, ...cells.map((row) => row[index]!.length)),
  );
  const line = (values: readonly string[]) =>
    values
      .map((value, index) => (columns[index]!.right ? value.padStart(widths[index]!) : value.padEnd(widths[index]!)))
      .join('  ')
      .trimEnd();
  return [line(columns.map((column) => column.header)), ...cells.map(line)].join('\n');
};

export const formatCount = (value: number): string => value.toLocaleString('en-US');

/** `-` for what is not known. */
export const orDash = (value: string | number | undefined | null): string =>
  value === undefined || value === null || value === '' ? '-' : String(value);
