/**
 * A test double of an EventStoreDB node at the gRPC protocol level: a grpc-js server on a free loopback
 * port that speaks the wire format of the generated classes shipped in `@eventstore/db-client`, so the
 * real client (and the adapter on top of it) runs unchanged where no EventStoreDB can. Events live in
 * process memory and vanish with `stop()`. It is not a server: no persistence, cluster, security,
 * projections, deletes or persistent subscriptions; see docs/eventstoredb.md for what it covers.
 */
import grpc from '@grpc/grpc-js';
import { AppendFaults, appendService } from './append-service.ts';
import { serverFeaturesGrpc, serverFeaturesPb, type sharedPb, streamsGrpc } from './generated.ts';
import { InMemoryLog } from './in-memory-log.ts';
import { readService } from './read-service.ts';

export interface EsdbProtocolDoubleOptions {
  /**
   * Announce `Streams.BatchAppend` in the server features (default true, as servers since 21.10 do).
   * When false the client falls back to one `Streams.Append` call per append.
   */
  batchAppend?: boolean;
}

export interface EsdbProtocolDouble {
  /** Insecure connection string to hand to the client: `esdb://127.0.0.1:<port>?tls=false`. */
  connectionString: string;
  /** The next append is written, but its caller gets UNAVAILABLE instead of the acknowledgement. */
  loseNextAppendAck(): void;
  stop(): Promise<void>;
}

const serverVersion = '24.10.0';

const supportedMethod = (serviceName: string, methodName: string, features: string[] = []) => {
  const method = new serverFeaturesPb.SupportedMethod();
  method.setServiceName(serviceName);
  method.setMethodName(methodName);
  method.setFeaturesList(features);
  return method;
};

const supportedMethods = (batchAppend: boolean) => {
  const streams = 'event_store.client.streams.streams';
  const methods = [
    supportedMethod('event_store.client.server_features.serverfeatures', 'getsupportedmethods'),
    supportedMethod(streams, 'read', ['position', 'events']),
    supportedMethod(streams, 'append'),
    ...(batchAppend ? [supportedMethod(streams, 'batchappend', ['deadline_duration'])] : []),
  ];
  const supported = new serverFeaturesPb.SupportedMethods();
  supported.setEventStoreServerVersion(serverVersion);
  supported.setMethodsList(methods);
  return supported;
};

/** A fresh server's log is never empty: system streams come first, so readers must skip them. */
const seedSystemEvents = (log: InMemoryLog) => {
  const json = (value: unknown) => new Uint8Array(Buffer.from(JSON.stringify(value)));
  const systemEvent = (id: string, type: string, data: unknown) => ({
    id,
    type,
    contentType: 'application/json',
    data: json(data),
    customMetadata: new Uint8Array(),
  });
  log.append('$settings', { kind: 'any' }, [
    systemEvent('00000000-0000-4000-8000-000000000001', '$settings', { $userStreamAcl: { $r: '$all' } }),
  ]);
  log.append('$stats-127.0.0.1:2113', { kind: 'any' }, [
    systemEvent('00000000-0000-4000-8000-000000000002', '$statsCollected', { 'proc-startTime': new Date() }),
  ]);
};

export const startEsdbProtocolDouble = async ({
  batchAppend = true,
}: EsdbProtocolDoubleOptions = {}): Promise<EsdbProtocolDouble> => {
  const log = new InMemoryLog();
  seedSystemEvents(log);
  const faults = new AppendFaults();
  const features = supportedMethods(batchAppend);
  const server = new grpc.Server();
  server.addService(serverFeaturesGrpc.ServerFeaturesService, {
    getSupportedMethods: (
      _call: grpc.ServerUnaryCall<sharedPb.Empty, unknown>,
      callback: grpc.sendUnaryData<typeof features>,
    ) => callback(null, features),
  });
  const appends = appendService(log, faults);
  // Methods left out (Delete, Tombstone, and BatchAppend when not announced) answer UNIMPLEMENTED.
  server.addService(streamsGrpc.StreamsService, {
    read: readService(log),
    append: appends.append,
    ...(batchAppend ? { batchAppend: appends.batchAppend } : {}),
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, boundPort) =>
      error ? reject(error) : resolve(boundPort),
    ),
  );
  return {
    connectionString: `esdb://127.0.0.1:${port}?tls=false`,
    loseNextAppendAck: () => faults.loseNextAck(),
    // Subscriptions and the client's batch-append stream never end by themselves: cut them.
    stop: async () => server.forceShutdown(),
  };
};
