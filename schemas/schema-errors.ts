/** No schema exists for this event type (or for this version of it). */
export class UnknownSchemaError extends Error {
  constructor(
    readonly eventType: string,
    readonly schemaVersion?: number,
  ) {
    super(
      schemaVersion === undefined
        ? `unknown event type ${eventType}`
        : `no schema for event type ${eventType} version ${schemaVersion}`,
    );
    this.name = 'UnknownSchemaError';
  }
}

/** The bytes are not a valid encoding under the writer's schema (corrupt, truncated, wrong version). */
export class SchemaDecodeError extends Error {
  constructor(
    readonly eventType: string,
    readonly schemaVersion: number,
    options?: { cause?: unknown },
  ) {
    const reason = options?.cause instanceof Error ? `: ${options.cause.message}` : '';
    super(`cannot decode ${eventType} v${schemaVersion}${reason}`, options);
    this.name = 'SchemaDecodeError';
  }
}

/** The event data does not fit its latest schema: a decider emits a shape its schema does not describe. */
export class SchemaEncodeError extends Error {
  constructor(
    readonly eventType: string,
    readonly schemaVersion: number,
    /** Dotted paths of the offending fields, e.g. `lines.0.quantity`. */
    readonly paths: string[],
  ) {
    super(`${eventType} does not fit schema v${schemaVersion} at ${paths.join(', ') || '(root)'}`);
    this.name = 'SchemaEncodeError';
  }
}
