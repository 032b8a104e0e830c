export { cholesky, isPositiveDefinite } from './cholesky.js';
export { eigh, eigvalsh, type EighResult } from './eigh.js';
export { lanczos, powerIteration, type LanczosResult, type MatVec, type PowerIterationResult } from './krylov.js';
export { lstsq, type LstsqResult } from './lstsq.js';
export { LinAlgError } from './matrix.js';
export { qr, type QrResult } from './qr.js';
export { solve, solveTriangular } from './solve.js';
export { svd, type SvdResult } from './svd.js';
