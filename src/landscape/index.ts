export {
  analyze,
  type AnalysisReport,
  type AnalyzeOptions,
  type ReportExtremum,
  type ReportRegion,
} from './analyze.js';
export { derive, type Derivatives } from './derive.js';
export { classifyStationaryPoint, type Classification, type Kind } from './classify.js';
export { convexity, type Convexity } from './convexity.js';
export {
  EXTREMUM_TOLERANCE,
  globalExtrema,
  type ExtremaOptions,
  type Extremum,
  type GlobalExtrema,
} from './extrema.js';
export { krawczyk, type KrawczykVerdict } from './krawczyk.js';
export {
  DEFAULT_MAX_BOXES,
  stationaryPoints,
  type RegionKind,
  type StationaryOptions,
  type StationaryPoint,
  type StationaryResult,
  type UnresolvedRegion,
} from './stationary.js';
