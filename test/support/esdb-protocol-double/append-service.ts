/**
 * `Streams.Append` (one client stream per append) and `Streams.BatchAppend` (one long-lived duplex
 * stream carrying many appends, matched by correlation id), both writing to the in-memory log.
 */
import grpc from '@grpc/grpc-js';
import {
  appendResponse,
  batchAppendResponse,
  expectedOfAppend,
  expectedOfBatchAppend,
  InvalidAppendError,
  proposedEventOf,
  streamNameOf,
  uuidString,
} from './append-messages.ts';
import type { sharedPb, streamsPb } from './generated.ts';
import type { InMemoryLog, ProposedEvent } from './in-memory-log.ts';

/** Faults a test can inject: an append that is written but whose acknowledgement never arrives. */
export class AppendFaults {
  #acksToLose = 0;

  loseNextAck(): void {
    this.#acksToLose += 1;
  }

  takeLostAck(): boolean {
    if (this.#acksToLose === 0) return false;
    this.#acksToLose -= 1;
    return true;
  }
}

const lostAck = { code: grpc.status.UNAVAILABLE, details: 'acknowledgement lost (fault injected by the test double)' };

const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));

export const appendService = (log: InMemoryLog, faults: AppendFaults) => ({
  append(
    call: grpc.ServerReadableStream<streamsPb.AppendReq, streamsPb.AppendResp>,
    callback: grpc.sendUnaryData<streamsPb.AppendResp>,
  ): void {
    let options: streamsPb.AppendReq.Options | undefined;
    const proposed: ProposedEvent[] = [];
    let invalid: string | undefined;
    call.on('data', (request: streamsPb.AppendReq) => {
      try {
        if (request.hasOptions()) options = request.getOptions();
        else if (request.hasProposedMessage()) proposed.push(proposedEventOf(request.getProposedMessage()!));
      } catch (error) {
        invalid ??= errorMessage(error);
      }
    });
    call.on('end', () => {
      if (!options || invalid !== undefined) {
        return callback({ code: grpc.status.INVALID_ARGUMENT, details: invalid ?? 'append without options' });
      }
      try {
        const expected = expectedOfAppend(options);
        const outcome = log.append(streamNameOf(options.getStreamIdentifier()), expected, proposed);
        if (faults.takeLostAck()) return callback(lostAck);
        callback(null, appendResponse(outcome, expected));
      } catch (error) {
        callback({ code: grpc.status.INVALID_ARGUMENT, details: errorMessage(error) });
      }
    });
  },

  batchAppend(call: grpc.ServerDuplexStream<streamsPb.BatchAppendReq, streamsPb.BatchAppendResp>): void {
    interface PendingAppend {
      correlationId: sharedPb.UUID;
      options: streamsPb.BatchAppendReq.Options;
      proposed: ProposedEvent[];
      invalid?: InvalidAppendError;
    }
    // An append larger than the client's batch size arrives in several requests; options only in the first.
    const pending = new Map<string, PendingAppend>();
    call.on('data', (request: streamsPb.BatchAppendReq) => {
      const correlationId = request.getCorrelationId();
      const key = uuidString(correlationId);
      if (!correlationId || !key) return call.emit('error', { code: grpc.status.INVALID_ARGUMENT, details: 'no id' });
      let append = pending.get(key);
      if (!append) {
        const options = request.getOptions();
        if (!options) return call.emit('error', { code: grpc.status.INVALID_ARGUMENT, details: 'no options' });
        append = { correlationId, options, proposed: [] };
        pending.set(key, append);
      }
      try {
        append.proposed.push(...request.getProposedMessagesList().map(proposedEventOf));
      } catch (error) {
        append.invalid ??= error instanceof InvalidAppendError ? error : new InvalidAppendError(errorMessage(error));
      }
      if (!request.getIsFinal()) return;
      pending.delete(key);
      const outcome = append.invalid ?? commit(log, append);
      // The whole duplex stream fails, as when a connection drops: every append in flight loses its answer.
      if (faults.takeLostAck()) return call.emit('error', lostAck);
      call.write(batchAppendResponse(append, outcome));
    });
    call.on('end', () => call.end());
  },
});

const commit = (log: InMemoryLog, append: { options: streamsPb.BatchAppendReq.Options; proposed: ProposedEvent[] }) => {
  try {
    return log.append(
      streamNameOf(append.options.getStreamIdentifier()),
      expectedOfBatchAppend(append.options),
      append.proposed,
    );
  } catch (error) {
    return error instanceof InvalidAppendError ? error : new InvalidAppendError(errorMessage(error));
  }
};
