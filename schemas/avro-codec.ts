import { readdirSync, readFileSync } from 'node:fs';
import avro from 'avsc';
import type { DomainEvent } from '../domain/domain-event.ts';
import { SchemaDecodeError, SchemaEncodeError, UnknownSchemaError } from './schema-errors.ts';

export { SchemaDecodeError, SchemaEncodeError, UnknownSchemaError } from './schema-errors.ts';

/**
 * Avro encoding of event data, one schema file per event type and version in `schemas/avro/`
 * (`<EventType>.v<N>.avsc`). Writers always use the latest version; readers decode with the
 * writer's version and resolve into the latest, so old records stay readable after a change.
 */

const schemaFileName = /^([A-Za-z][A-Za-z0-9]*)\.v([1-9][0-9]*)\.avsc$/;
const schemaFolder = new URL('./avro/', import.meta.url);

interface SchemaVersions {
  byVersion: Map<number, avro.Type>;
  latestVersion: number;
  latest: avro.Type;
  /** Resolvers from an older writer version into `latest`, built on first use. */
  resolvers: Map<number, avro.Resolver>;
}

const loadSchemas = (): Map<string, SchemaVersions> => {
  const byType = new Map<string, Map<number, avro.Type>>();
  for (const file of readdirSync(schemaFolder)) {
    const match = schemaFileName.exec(file);
    if (!match) continue;
    const [, eventType = '', version = ''] = match;
    const schema = JSON.parse(readFileSync(new URL(file, schemaFolder), 'utf8'));
    const versions = byType.get(eventType) ?? new Map<number, avro.Type>();
    versions.set(Number(version), avro.Type.forSchema(schema));
    byType.set(eventType, versions);
  }
  const schemas = new Map<string, SchemaVersions>();
  for (const [eventType, byVersion] of byType) {
    const latestVersion = Math.max(...byVersion.keys());
    schemas.set(eventType, { byVersion, latestVersion, latest: byVersion.get(latestVersion)!, resolvers: new Map() });
  }
  return schemas;
};

let loaded: Map<string, SchemaVersions> | undefined;
const schemas = (): Map<string, SchemaVersions> => {
  loaded ??= loadSchemas();
  return loaded;
};

const versionsOf = (eventType: string): SchemaVersions => {
  const versions = schemas().get(eventType);
  if (!versions) throw new UnknownSchemaError(eventType);
  return versions;
};

/** Event types that have at least one schema file. */
export const schemaEventTypes = (): string[] => [...schemas().keys()].sort();

/** Versions present for an event type, ascending. */
export const schemaVersionsOf = (eventType: string): number[] =>
  [...versionsOf(eventType).byVersion.keys()].sort((a, b) => a - b);

export const latestSchemaVersion = (eventType: string): number => versionsOf(eventType).latestVersion;

/** The parsed Avro type of one schema file (for tests and tooling). */
export const avroTypeOf = (eventType: string, schemaVersion: number): avro.Type => {
  const type = versionsOf(eventType).byVersion.get(schemaVersion);
  if (!type) throw new UnknownSchemaError(eventType, schemaVersion);
  return type;
};

const invalidPaths = (type: avro.Type, data: unknown): string[] => {
  const paths: string[] = [];
  type.isValid(data, { errorHook: (path: string[]) => paths.push(path.join('.')) });
  return paths;
};

/** Encodes event data with the latest schema of its type. */
export const encodeEvent = (eventType: string, data: unknown): { schemaVersion: number; payload: Buffer } => {
  const { latest, latestVersion } = versionsOf(eventType);
  try {
    return { schemaVersion: latestVersion, payload: latest.toBuffer(data) };
  } catch {
    throw new SchemaEncodeError(eventType, latestVersion, invalidPaths(latest, data));
  }
};

/**
 * Avro records come back as class instances with `null` for absent optional fields; the domain
 * uses plain objects that leave such fields out.
 */
const toPlainData = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(toPlainData);
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return value;
  const plain: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (field !== null && field !== undefined) plain[key] = toPlainData(field);
  }
  return plain;
};

/** Decodes data written with `schemaVersion` into the shape of the latest version. */
export const decodeEvent = (eventType: string, schemaVersion: number, payload: Buffer): unknown => {
  const versions = versionsOf(eventType);
  const writer = versions.byVersion.get(schemaVersion);
  if (!writer) throw new UnknownSchemaError(eventType, schemaVersion);
  let resolver: avro.Resolver | undefined;
  if (schemaVersion !== versions.latestVersion) {
    resolver = versions.resolvers.get(schemaVersion);
    if (!resolver) {
      resolver = versions.latest.createResolver(writer);
      versions.resolvers.set(schemaVersion, resolver);
    }
  }
  let decoded: unknown;
  try {
    decoded = versions.latest.fromBuffer(payload, resolver);
  } catch (error) {
    throw new SchemaDecodeError(eventType, schemaVersion, { cause: error });
  }
  return toPlainData(decoded);
};

/** Like decodeEvent, typed as the domain event it is (the type name is checked against the schemas). */
export const decodeDomainEvent = (eventType: string, schemaVersion: number, payload: Buffer): DomainEvent =>
  ({ type: eventType, data: decodeEvent(eventType, schemaVersion, payload) }) as DomainEvent;
