// The global minimum and maximum of an objective over a closed box, boundary included. A global
// extremum of a smooth function on a box is a stationary point of the function restricted to some
// face of the box (the interior being the box's own n-dimensional face, a corner a 0-dimensional
// one), so the candidates are the stationary points of every face, found by stationaryPoints on the
// restricted expression. The answer is certified when every face's search is complete.
import { SaddleError } from '../core/errors.js';
import { tensor } from '../core/index.js';
import { compile, substitute, type Interval, type Objective } from '../expr/index.js';
import { stationaryPoints, type StationaryOptions } from './stationary.js';

export interface Extremum {
  point: Record<string, number>;
  coordinates: number[];
  value: number;
  /** On the boundary of the box (not an interior stationary point). */
  onBoundary: boolean;
}

export interface GlobalExtrema {
  minimum: Extremum;
  maximum: Extremum;
  /** Every face's stationary-point search was complete, so no other candidate exists. */
  certified: boolean;
}

interface Candidate {
  coordinates: number[];
  value: number;
  onBoundary: boolean;
}

function candidates(objective: Objective, box: readonly Interval[], options: StationaryOptions): { list: Candidate[]; complete: boolean } {
  const vars = objective.variables;
  const n = vars.length;
  if (n === 0) return { list: [{ coordinates: [], value: objective.at(tensor([])).item(), onBoundary: false }], complete: true };
  const interior = stationaryPoints(objective, box, options);
  const list: Candidate[] = interior.points.map((p) => ({ coordinates: p.coordinates, value: p.value, onBoundary: false }));
  let complete = interior.complete;
  for (let i = 0; i < n; i++) {
    const rest = vars.filter((_, j) => j !== i);
    const restBox = box.filter((_, j) => j !== i);
    for (const bound of box[i].lo === box[i].hi ? [box[i].lo] : [box[i].lo, box[i].hi]) {
      const face = compile(substitute(objective.expr, vars[i], bound), { variables: rest, maximize: objective.maximize });
      const sub = candidates(face, restBox, options);
      complete &&= sub.complete;
      for (const c of sub.list) {
        const coordinates = [...c.coordinates.slice(0, i), bound, ...c.coordinates.slice(i)];
        list.push({ coordinates, value: c.value, onBoundary: true });
      }
    }
  }
  return { list, complete };
}

export function globalExtrema(objective: Objective, box: readonly Interval[], options: StationaryOptions = {}): GlobalExtrema {
  const { list, complete } = candidates(objective, box, options);
  const toExtremum = (c: Candidate): Extremum => ({
    point: Object.fromEntries(objective.variables.map((v, i) => [v, c.coordinates[i]])),
    coordinates: c.coordinates,
    value: c.value,
    onBoundary: c.onBoundary,
  });
  const finite = list.filter((c) => Number.isFinite(c.value));
  if (finite.length === 0) throw new SaddleError(`globalExtrema: ${objective.text} has no finite value at any candidate point of the box`);
  let min = finite[0];
  let max = finite[0];
  for (const c of finite) {
    // Ties go to the interior point, then to the first found.
    if (c.value < min.value || (c.value === min.value && min.onBoundary && !c.onBoundary)) min = c;
    if (c.value > max.value || (c.value === max.value && max.onBoundary && !c.onBoundary)) max = c;
  }
  return { minimum: toExtremum(min), maximum: toExtremum(max), certified: complete };
}
