export {
  CONSTANTS,
  FUNCTIONS,
  childrenOf,
  dagSize,
  format,
  isConstantExpr,
  mapChildren,
  memoWalker,
  substitute,
  variablesOf,
  type Expr,
  type BinaryOp,
  type FunctionName,
  type ConstantName,
  type Span,
} from './ast.js';
export { ParseError, parse } from './parse.js';
export { compile, evaluateNodes, type CompileOptions, type Objective } from './compile.js';
export { ExprBuilder, ExpressionTooLargeError, MAX_DERIVED_NODES } from './build.js';
export { locateNonDifferentiable, locateNonFinite, type NonFinite } from './locate.js';
export { differentiate, gradientExprs, hessianExprs } from './differentiate.js';
export {
  DomainError,
  evaluateInterval,
  evaluateIntervals,
  interval,
  contains,
  width,
  nextUp,
  nextDown,
  add as addInterval,
  sub as subInterval,
  mul as mulInterval,
  type Interval,
  type Box,
} from './interval.js';
export { parseBox } from './box.js';
