import { isRecord } from '../../domain/validation.ts';
import { isStepCommandType, type StepExecutorDependencies, type StepToExecute, stepHandlers } from './step-handlers.ts';
import { classifyStepError, InvalidStepError, type StepOutcome } from './step-outcome.ts';

export type { StepExecutorDependencies, StepToExecute } from './step-handlers.ts';
export type { StepEvent, StepOutcome } from './step-outcome.ts';

const parseData = (dataJson: string): Record<string, unknown> => {
  let data: unknown;
  try {
    data = JSON.parse(dataJson);
  } catch (error) {
    throw new InvalidStepError(`the step's data is not JSON: ${(error as Error).message}`);
  }
  if (!isRecord(data)) throw new InvalidStepError("the step's data is not a JSON object");
  return data;
};

/**
 * Executes one saga step: a domain command through its aggregate's decider, or a payment operation through
 * the payment service. Never throws; the outcome says whether the saga should retry (transient) or react.
 * The step's command id makes a re-executed step find its earlier outcome instead of acting twice.
 */
export const executeStep = async (deps: StepExecutorDependencies, step: StepToExecute): Promise<StepOutcome> => {
  try {
    const { type, streamId, dataJson } = step.command;
    if (!isStepCommandType(type)) throw new InvalidStepError(`no saga step executes ${type}`);
    const handler = stepHandlers[type];
    const data = parseData(dataJson);
    const expectedStream = handler.streamOf(data);
    if (expectedStream !== streamId) {
      throw new InvalidStepError(`${type} addresses stream ${expectedStream ?? '(none)'}, the step names ${streamId}`);
    }
    return { ok: true, events: await handler.run(deps, step, data) };
  } catch (error) {
    return classifyStepError(error);
  }
};
