/** Translation between append messages and the log's terms; the response shapes follow the server. */
import { anyPb, emptyPb, sharedPb, statusPb, streamsPb } from './generated.ts';
import type { AppendOutcome, ExpectedRevision, ProposedEvent } from './in-memory-log.ts';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export class InvalidAppendError extends Error {}

export const uuidString = (uuid: sharedPb.UUID | undefined): string | undefined => {
  if (!uuid) return undefined;
  if (!uuid.hasStructured()) return uuid.getString().toLowerCase();
  const halves = uuid.getStructured()!;
  const hex = [halves.getMostSignificantBits(), halves.getLeastSignificantBits()]
    .map((half) => BigInt.asUintN(64, BigInt(half)).toString(16).padStart(16, '0'))
    .join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

/** The server refuses an event without a valid id, a type or a content type. */
export const proposedEventOf = (
  message: streamsPb.AppendReq.ProposedMessage | streamsPb.BatchAppendReq.ProposedMessage,
): ProposedEvent => {
  const id = uuidString(message.getId());
  if (!id || !uuidPattern.test(id)) throw new InvalidAppendError(`event id "${id}" is not a UUID`);
  const type = message.getMetadataMap().get('type');
  const contentType = message.getMetadataMap().get('content-type');
  if (!type) throw new InvalidAppendError('required metadata property missing: type');
  if (!contentType) throw new InvalidAppendError('required metadata property missing: content-type');
  return { id, type, contentType, data: message.getData_asU8(), customMetadata: message.getCustomMetadata_asU8() };
};

export const streamNameOf = (identifier: sharedPb.StreamIdentifier | undefined): string => {
  const name = identifier ? Buffer.from(identifier.getStreamName_asU8()).toString('utf8') : '';
  if (name === '') throw new InvalidAppendError('append without a stream name');
  return name;
};

export const expectedOfAppend = (options: streamsPb.AppendReq.Options): ExpectedRevision => {
  if (options.hasRevision()) return { kind: 'revision', revision: BigInt(options.getRevision()) };
  if (options.hasNoStream()) return { kind: 'no_stream' };
  if (options.hasStreamExists()) return { kind: 'stream_exists' };
  return { kind: 'any' };
};

export const expectedOfBatchAppend = (options: streamsPb.BatchAppendReq.Options): ExpectedRevision => {
  if (options.hasStreamPosition()) return { kind: 'revision', revision: BigInt(options.getStreamPosition()) };
  if (options.hasNoStream()) return { kind: 'no_stream' };
  if (options.hasStreamExists()) return { kind: 'stream_exists' };
  return { kind: 'any' };
};

/** `Streams.Append` answers a version conflict in the response body, not as a gRPC error. */
export const appendResponse = (outcome: AppendOutcome, expected: ExpectedRevision): streamsPb.AppendResp => {
  const response = new streamsPb.AppendResp();
  if (outcome.kind === 'wrong_expected_version') {
    const wrong = new streamsPb.AppendResp.WrongExpectedVersion();
    if (outcome.currentRevision === 'no_stream') wrong.setCurrentNoStream(new sharedPb.Empty());
    else wrong.setCurrentRevision(outcome.currentRevision.toString());
    if (expected.kind === 'revision') wrong.setExpectedRevision(expected.revision.toString());
    else if (expected.kind === 'no_stream') wrong.setExpectedNoStream(new sharedPb.Empty());
    else if (expected.kind === 'stream_exists') wrong.setExpectedStreamExists(new sharedPb.Empty());
    else wrong.setExpectedAny(new sharedPb.Empty());
    return response.setWrongExpectedVersion(wrong);
  }
  const success = new streamsPb.AppendResp.Success();
  if (outcome.lastRevision === 'no_stream') success.setNoStream(new sharedPb.Empty());
  else success.setCurrentRevision(outcome.lastRevision.toString());
  if (outcome.kind === 'nothing_written') success.setNoPosition(new sharedPb.Empty());
  else {
    const position = new streamsPb.AppendResp.Position();
    position.setCommitPosition(outcome.position.toString());
    position.setPreparePosition(outcome.position.toString());
    success.setPosition(position);
  }
  return response.setSuccess(success);
};

const status = (code: number, message: string, detail: { serializeBinary(): Uint8Array }, typeName: string) => {
  const details = new anyPb.Any();
  details.pack(detail.serializeBinary(), typeName);
  const result = new statusPb.Status();
  result.setCode(code);
  result.setMessage(message);
  result.setDetails(details);
  return result;
};

const alreadyExists = 6;
const invalidArgument = 3;

/** `Streams.BatchAppend` answers a version conflict as a `google.rpc.Status` carrying the details. */
export const batchAppendResponse = (
  request: { correlationId: sharedPb.UUID; options: streamsPb.BatchAppendReq.Options },
  outcome: AppendOutcome | InvalidAppendError,
): streamsPb.BatchAppendResp => {
  const { options } = request;
  const response = new streamsPb.BatchAppendResp();
  response.setCorrelationId(request.correlationId);
  response.setStreamIdentifier(options.getStreamIdentifier());
  if (options.hasStreamPosition()) response.setStreamPosition(options.getStreamPosition());
  else if (options.hasNoStream()) response.setNoStream(new emptyPb.Empty());
  else if (options.hasStreamExists()) response.setStreamExists(new emptyPb.Empty());
  else response.setAny(new emptyPb.Empty());

  if (outcome instanceof InvalidAppendError) {
    const badRequest = new sharedPb.BadRequest();
    badRequest.setMessage(outcome.message);
    return response.setError(status(invalidArgument, outcome.message, badRequest, 'event_store.client.BadRequest'));
  }
  if (outcome.kind === 'wrong_expected_version') {
    const wrong = new sharedPb.WrongExpectedVersion();
    if (outcome.currentRevision === 'no_stream') wrong.setCurrentNoStream(new emptyPb.Empty());
    else wrong.setCurrentStreamRevision(outcome.currentRevision.toString());
    if (options.hasStreamPosition()) wrong.setExpectedStreamPosition(options.getStreamPosition());
    else if (options.hasNoStream()) wrong.setExpectedNoStream(new emptyPb.Empty());
    else if (options.hasStreamExists()) wrong.setExpectedStreamExists(new emptyPb.Empty());
    else wrong.setExpectedAny(new emptyPb.Empty());
    return response.setError(
      status(alreadyExists, 'WrongExpectedVersion', wrong, 'event_store.client.WrongExpectedVersion'),
    );
  }
  const success = new streamsPb.BatchAppendResp.Success();
  if (outcome.lastRevision === 'no_stream') success.setNoStream(new emptyPb.Empty());
  else success.setCurrentRevision(outcome.lastRevision.toString());
  if (outcome.kind === 'nothing_written') success.setNoPosition(new emptyPb.Empty());
  else {
    const position = new sharedPb.AllStreamPosition();
    position.setCommitPosition(outcome.position.toString());
    position.setPreparePosition(outcome.position.toString());
    success.setPosition(position);
  }
  return response.setSuccess(success);
};
