export { derive, type Derivatives } from './derive.js';
