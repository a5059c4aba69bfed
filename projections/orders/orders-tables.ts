/**
 * The tables of the orders read model. Handlers and queries take them as an argument, so an operator
 * can rebuild into a shadow copy (`{ orders: 'read_orders_rebuild' }`) and swap it in.
 */
export interface OrdersTables {
  orders: string;
}

export const ordersTables: OrdersTables = { orders: 'read_orders' };
