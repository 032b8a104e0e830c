export { CONSTANTS, FUNCTIONS, format, substitute, variablesOf, type Expr, type BinaryOp, type FunctionName, type ConstantName, type Span } from './ast.js';
export { ParseError, parse } from './parse.js';
export { compile, type CompileOptions, type Objective } from './compile.js';
export { locateNonFinite, type NonFinite } from './locate.js';
export { differentiate, gradientExprs, hessianExprs } from './differentiate.js';
export {
  DomainError, evaluateInterval, interval, contains, width, nextUp, nextDown, add as addInterval, sub as subInterval,
  mul as mulInterval, type Interval, type Box,
} from './interval.js';
export { parseBox } from './box.js';
