/** The tables of the payments read model; handlers and queries take them so a rebuild can target a shadow copy. */
export interface PaymentsTables {
  payments: string;
}

export const paymentsTables: PaymentsTables = { payments: 'read_payments' };
