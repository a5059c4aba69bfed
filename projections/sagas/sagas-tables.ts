/** The tables of the sagas read model; handlers and queries take them so a rebuild can target a shadow copy. */
export interface SagasTables {
  sagas: string;
}

export const sagasTables: SagasTables = { sagas: 'read_sagas' };
