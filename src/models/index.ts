export { fitStandardizer, loadIris, loadMnist, parseCsv, splitDataset, type Dataset, type Standardizer } from './data.js';
