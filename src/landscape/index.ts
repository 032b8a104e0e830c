export { derive, type Derivatives } from './derive.js';
export { classifyStationaryPoint, type Classification, type Kind } from './classify.js';
export { krawczyk, type KrawczykVerdict } from './krawczyk.js';
export { stationaryPoints, type StationaryOptions, type StationaryPoint, type StationaryResult, type UnresolvedRegion } from './stationary.js';
