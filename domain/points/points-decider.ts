import type { Decider } from '../decider.ts';
import type { PointsCommand } from './commands.ts';
import { decidePoints } from './decide.ts';
import type { PointsEvent } from './events.ts';
import { evolvePoints } from './evolve.ts';
import { initialPointsState, type PointsState } from './state.ts';

export const pointsDecider: Decider<PointsState, PointsCommand, PointsEvent> = {
  decide: decidePoints,
  evolve: evolvePoints,
  initialState: initialPointsState,
};
