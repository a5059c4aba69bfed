/**
 * Step names. A name is deterministic (`reserve:sku-a`, `authorize-payment`), so the command id derived
 * from it is the same whenever the saga decides the same thing again.
 */
export const lineStepKinds = ['reserve', 'commit', 'release', 'return'] as const;
export const orderStepKinds = [
  'authorize-payment',
  'confirm-order',
  'capture-payment',
  'void-payment',
  'refund-payment',
  'cancel-order',
] as const;

export type LineStepKind = (typeof lineStepKinds)[number];
export type OrderStepKind = (typeof orderStepKinds)[number];

export type SagaStep = { kind: LineStepKind; sku: string } | { kind: OrderStepKind };
export type SagaStepKind = SagaStep['kind'];

export const lineStep = (kind: LineStepKind, sku: string): string => `${kind}:${sku}`;

export const stepName = (step: SagaStep): string => ('sku' in step ? lineStep(step.kind, step.sku) : step.kind);

/** Parses a step name; undefined for a name the saga never gives. */
export const parseStepName = (name: string): SagaStep | undefined => {
  const orderKind = orderStepKinds.find((kind) => kind === name);
  if (orderKind) return { kind: orderKind };
  const colon = name.indexOf(':');
  const lineKind = lineStepKinds.find((kind) => kind === name.slice(0, colon));
  return lineKind && colon < name.length - 1 ? { kind: lineKind, sku: name.slice(colon + 1) } : undefined;
};

/**
 * Steps that move the order towards completion. Once the saga compensates they are no longer
 * retried; an outcome that still arrives is only recorded (compensation reacts to what it caused).
 */
export const isForwardStep = (kind: SagaStepKind): boolean =>
  kind === 'reserve' ||
  kind === 'authorize-payment' ||
  kind === 'confirm-order' ||
  kind === 'commit' ||
  kind === 'capture-payment';
