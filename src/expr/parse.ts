// The expression parser: text -> our own AST (never eval). Precedence as in mathematics and math.js:
// ^ (or **) binds tightest and is right-associative, then unary minus (-x^2 = -(x^2)), then * and /,
// then + and -. Errors name the column and, for a misspelt function, the nearest name.
import { SaddleError } from '../core/errors.js';
import { CONSTANTS, FUNCTIONS, isConstantName, isFunctionName, type BinaryOp, type Expr } from './ast.js';

export class ParseError extends SaddleError {
  /** 1-based column of the problem in the expression. */
  readonly column: number;
  /** The expression, once parse() has attached it. */
  source = '';
  constructor(message: string, column: number) {
    super(`ParseError: ${message}`);
    this.name = 'ParseError';
    this.column = column;
  }

  /** The expression with a caret under the column. */
  pointer(): string {
    return this.source ? `  ${this.source}\n  ${' '.repeat(Math.max(0, this.column - 1))}^` : '';
  }
}

type Token =
  | { kind: 'number'; value: number; text: string; start: number; end: number }
  | { kind: 'name'; text: string; start: number; end: number }
  | { kind: 'op'; text: BinaryOp; start: number; end: number }
  | { kind: 'lparen' | 'rparen' | 'comma' | 'end'; text: string; start: number; end: number };

const NUMBER = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;
const MAX_LENGTH = 10_000;
const MAX_DEPTH = 200;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    const col = i + 1;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    const rest = text.slice(i);
    const num = NUMBER.exec(rest);
    if (num) {
      const value = Number(num[0]);
      if (!Number.isFinite(value)) {
        throw new ParseError(
          `the number ${num[0]} at column ${col} is too large for float64 (it would be Infinity); ` +
            'the largest is about 1.8e308',
          col,
        );
      }
      tokens.push({ kind: 'number', value, text: num[0], start: col, end: col + num[0].length });
      i += num[0].length;
      continue;
    }
    const name = NAME.exec(rest);
    if (name) {
      tokens.push({ kind: 'name', text: name[0], start: col, end: col + name[0].length });
      i += name[0].length;
      continue;
    }
    if (rest.startsWith('**')) {
      tokens.push({ kind: 'op', text: '^', start: col, end: col + 2 });
      i += 2;
      continue;
    }
    if ('+-*/^'.includes(c)) tokens.push({ kind: 'op', text: c as BinaryOp, start: col, end: col + 1 });
    else if (c === '(') tokens.push({ kind: 'lparen', text: c, start: col, end: col + 1 });
    else if (c === ')') tokens.push({ kind: 'rparen', text: c, start: col, end: col + 1 });
    else if (c === ',') tokens.push({ kind: 'comma', text: c, start: col, end: col + 1 });
    else throw new ParseError(`unexpected character '${c}' at column ${col}`, col);
    i++;
  }
  tokens.push({ kind: 'end', text: '', start: text.length + 1, end: text.length + 1 });
  return tokens;
}

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return d[a.length][b.length];
}

function suggestion(name: string): string {
  let best = '';
  let bestDistance = 3;
  for (const f of Object.keys(FUNCTIONS)) {
    const dist = distance(name, f);
    if (dist < bestDistance) {
      best = f;
      bestDistance = dist;
    }
  }
  return best ? ` (did you mean ${best}?)` : ` (functions: ${Object.keys(FUNCTIONS).join(', ')})`;
}

const PRECEDENCE: Record<BinaryOp, number> = { '+': 1, '-': 1, '*': 2, '/': 2, '^': 4 };
const UNARY = 3;

class Parser {
  private pos = 0;
  private depth = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.pos];
  }

  private next(): Token {
    return this.tokens[this.pos++];
  }

  parse(): Expr {
    const expr = this.binary(0);
    const t = this.peek();
    if (t.kind === 'end') return expr;
    if (t.kind === 'rparen') {
      throw new ParseError(`unbalanced parenthesis at column ${t.start}: no '(' opens it`, t.start);
    }
    if (t.kind === 'number' || t.kind === 'name' || t.kind === 'lparen') {
      throw new ParseError(`unexpected '${t.text}' at column ${t.start}; write '*' for multiplication`, t.start);
    }
    throw new ParseError(`unexpected '${t.text}' at column ${t.start}`, t.start);
  }

  private binary(minPrecedence: number): Expr {
    if (++this.depth > MAX_DEPTH) {
      throw new ParseError(`the expression nests more than ${MAX_DEPTH} levels deep`, this.peek().start);
    }
    let left = this.unary();
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'op') break;
      const p = PRECEDENCE[t.text];
      if (p < minPrecedence) break;
      this.next();
      const right = this.binary(t.text === '^' ? p : p + 1);
      left = { kind: 'binary', op: t.text, left, right, start: left.start, end: right.end };
    }
    this.depth--;
    return left;
  }

  private unary(): Expr {
    const t = this.peek();
    if (t.kind === 'op' && (t.text === '-' || t.text === '+')) {
      this.next();
      const arg = this.binary(UNARY);
      return { kind: 'unary', op: t.text, arg, start: t.start, end: arg.end };
    }
    return this.primary();
  }

  private primary(): Expr {
    const t = this.next();
    switch (t.kind) {
      case 'number':
        return { kind: 'number', value: t.value, start: t.start, end: t.end };
      case 'name':
        return this.name(t);
      case 'lparen': {
        const inner = this.binary(0);
        const close = this.next();
        if (close.kind !== 'rparen') {
          throw new ParseError(
            `unbalanced parenthesis at column ${t.start}: '(' is never closed (found ${describe(close)})`,
            t.start,
          );
        }
        return { ...inner, start: t.start, end: close.end };
      }
      case 'end':
        throw new ParseError(
          `the expression ends early at column ${t.start}; expected a number, a variable or '('`,
          t.start,
        );
      case 'rparen':
        throw new ParseError(`unbalanced parenthesis at column ${t.start}: no '(' opens it`, t.start);
      default:
        throw new ParseError(
          `unexpected '${t.text}' at column ${t.start}; expected a number, a variable or '('`,
          t.start,
        );
    }
  }

  private name(t: Token & { kind: 'name' }): Expr {
    const called = this.peek().kind === 'lparen';
    if (!called) {
      if (isConstantName(t.text)) return { kind: 'constant', name: t.text, start: t.start, end: t.end };
      if (isFunctionName(t.text)) {
        throw new ParseError(`'${t.text}' at column ${t.start} is a function; write ${t.text}(...)`, t.start);
      }
      return { kind: 'variable', name: t.text, start: t.start, end: t.end };
    }
    if (!isFunctionName(t.text)) {
      if (isConstantName(t.text)) {
        throw new ParseError(
          `'${t.text}' at column ${t.start} is the constant ${CONSTANTS[t.text]}, not a function`,
          t.start,
        );
      }
      throw new ParseError(`unknown function '${t.text}' at column ${t.start}${suggestion(t.text)}`, t.start);
    }
    const open = this.next();
    const args: Expr[] = [];
    if (this.peek().kind !== 'rparen') {
      for (;;) {
        args.push(this.binary(0));
        if (this.peek().kind !== 'comma') break;
        this.next();
      }
    }
    const close = this.next();
    if (close.kind !== 'rparen') {
      throw new ParseError(
        `unbalanced parenthesis at column ${open.start}: '${t.text}(' is never closed (found ${describe(close)})`,
        open.start,
      );
    }
    const arity = FUNCTIONS[t.text];
    if (args.length !== arity) {
      throw new ParseError(
        `${t.text} takes ${arity} argument${arity > 1 ? 's' : ''}, got ${args.length} at column ${t.start}`,
        t.start,
      );
    }
    return { kind: 'call', name: t.text, args, start: t.start, end: close.end };
  }
}

function describe(t: Token): string {
  return t.kind === 'end' ? 'the end of the expression' : `'${t.text}' at column ${t.start}`;
}

/** Parses an expression into an AST; throws ParseError with the column of the problem. */
export function parse(text: string): Expr {
  if (typeof text !== 'string') throw new ParseError('the expression must be text', 1);
  if (text.length > MAX_LENGTH) {
    throw new ParseError(`the expression is longer than ${MAX_LENGTH} characters`, MAX_LENGTH);
  }
  try {
    if (text.trim() === '') throw new ParseError('the expression is empty', 1);
    return new Parser(tokenize(text)).parse();
  } catch (err) {
    if (err instanceof ParseError) err.source = text;
    throw err;
  }
}
