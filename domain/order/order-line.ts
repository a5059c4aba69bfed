export interface OrderLine {
  sku: string;
  quantity: number;
  /** Integer minor units. */
  unitPrice: number;
}

export const orderTotal = (lines: readonly OrderLine[]): number =>
  lines.reduce((sum, line) => sum + line.quantity * line.unitPrice, 0);
