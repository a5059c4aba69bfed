/** Metadata every command carries; deciders read `now` from here instead of a clock. */
export interface CommandMetadata {
  /** Deterministic id: a command already applied to a stream is answered with its earlier outcome. */
  commandId: string;
  /** ISO-8601 instant at which the command is decided. */
  now: string;
  /** The order this command belongs to. */
  correlationId?: string;
  /** The command or event that caused this command. */
  causationId?: string;
}

export interface Command<Type extends string = string, Data = unknown> {
  type: Type;
  data: Data;
  metadata: CommandMetadata;
}

export interface Event<Type extends string = string, Data = unknown> {
  type: Type;
  data: Data;
}
