export { linePlot, type Annotation, type LinePlotOptions } from './line.js';
export { contourPlot, isoSegments, type ContourPlotOptions, type MarkedPoint } from './contour.js';
export { wireframePlot, type WireframeOptions } from './wireframe.js';
export { linearScale, niceStep, niceTicks, extent, MAX_TICKS, type Scale } from './scale.js';
export { heatmapPlot, type HeatmapOptions } from './heatmap.js';
export { stackFigures } from './stack.js';
export { undrawnNote, undrawnOf, type Undrawn } from './svg.js';
