export { analyze, type AnalysisReport } from './analyze.js';
export { derive, type Derivatives } from './derive.js';
export { classifyStationaryPoint, type Classification, type Kind } from './classify.js';
export { convexity, type Convexity } from './convexity.js';
export { globalExtrema, type Extremum, type GlobalExtrema } from './extrema.js';
export { krawczyk, type KrawczykVerdict } from './krawczyk.js';
export { stationaryPoints, type StationaryOptions, type StationaryPoint, type StationaryResult, type UnresolvedRegion } from './stationary.js';
