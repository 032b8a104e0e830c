// Every flag is declared once, here or in its command, as a commander Option with its parser, range and default,
// so an action receives checked, typed values. A bad value is a commander error (exit code 2) that names the flag,
// the value and the allowed range.
import { InvalidArgumentError, Option, type Command } from 'commander';
import { DTYPES, type DType } from '../core/dtype.js';
import { ACTIVATIONS, INITIALIZERS, type Activation, type Initializer } from '../models/index.js';
import { formatNumber } from './format.js';

/** A closed or open interval of allowed values; integers only when `integer`. */
export interface Range {
  min: number;
  max: number;
  /** Excluded ends: (0, 1] is {min: 0, max: 1, open: 'min'}. */
  open?: 'min' | 'max' | 'both';
  integer?: boolean;
}

export function describeRange(r: Range): string {
  const lo = r.open === 'min' || r.open === 'both' ? '(' : '[';
  const hi = r.open === 'max' || r.open === 'both' ? ')' : ']';
  return `${r.integer ? 'an integer' : 'a number'} in ${lo}${formatNumber(r.min)}, ${formatNumber(r.max)}${hi}`;
}

export function inRange(v: number, r: Range): boolean {
  if (!Number.isFinite(v) || (r.integer && !Number.isInteger(v))) return false;
  const aboveMin = r.open === 'min' || r.open === 'both' ? v > r.min : v >= r.min;
  const belowMax = r.open === 'max' || r.open === 'both' ? v < r.max : v <= r.max;
  return aboveMin && belowMax;
}

/** The value of `text` if it is a number in `r`, else an error stating the range. */
export function parseInRange(text: string, r: Range): number {
  const v = text.trim() === '' ? NaN : Number(text);
  if (!inRange(v, r)) throw new InvalidArgumentError(`It must be ${describeRange(r)}.`);
  return v;
}

/** "0.9,0.999" → [0.9, 0.999], each in `r`; `count` numbers exactly when given. */
export function parseList(text: string, r: Range, count?: number): number[] {
  const parts = text.split(',');
  if (count !== undefined && parts.length !== count) {
    throw new InvalidArgumentError(`It must be ${count} comma-separated numbers, each ${describeRange(r)}.`);
  }
  return parts.map((part, i) => {
    const v = part.trim() === '' ? NaN : Number(part);
    if (!inRange(v, r)) {
      throw new InvalidArgumentError(`Its entry ${i + 1} ('${part.trim()}') must be ${describeRange(r)}.`);
    }
    return v;
  });
}

/** "adam,sgd" → ['adam', 'sgd']: at least one name, each from `allowed`. */
export function parseNames(text: string, allowed: readonly string[]): string[] {
  const names = text.split(',').map((n) => n.trim());
  const bad = names.find((n) => !allowed.includes(n));
  if (bad !== undefined) {
    throw new InvalidArgumentError(`${bad === '' ? 'An empty name' : `'${bad}'`} is not one of ${allowed.join(', ')}.`);
  }
  return names;
}

export function numberOption(flags: string, description: string, range: Range, defaultValue?: number): Option {
  const option = new Option(flags, `${description} (${describeRange(range)})`).argParser((t) => parseInRange(t, range));
  return defaultValue === undefined ? option : option.default(defaultValue);
}

export const integerOption = (flags: string, description: string, min: number, max: number, defaultValue?: number) =>
  numberOption(flags, description, { min, max, integer: true }, defaultValue);

export const choiceOption = <T extends string>(flags: string, description: string, choices: readonly T[], d?: T) => {
  const option = new Option(flags, description).choices(choices);
  return d === undefined ? option : option.default(d);
};

// Limits on sizes, so that a request past what this machine can do is refused with its size, not run for hours.
/** The most parameters a model may have: 2^28 float64 numbers are 2 GiB, and the optimiser keeps several copies. */
export const MAX_PARAMETERS = 2 ** 28;
export const MAX_EPOCHS = 100_000;
export const MAX_EXAMPLES = 10_000_000;
export const MAX_SEED = Number.MAX_SAFE_INTEGER;
/** Optimiser steps of one run: its trajectory keeps one point per step. */
export const MAX_STEPS = 1_000_000;

export const seedOption = (description: string, defaultValue?: number) =>
  integerOption('--seed <n>', description, 0, MAX_SEED, defaultValue);
export const jsonOption = () => new Option('--json', 'print one JSON document');
export const dtypeOption = (defaultValue: DType) =>
  choiceOption('--dtype <dtype>', 'number type', DTYPES, defaultValue);

/** The activations of mlp.ts; the default is the file's (hessian) or relu (train). */
export const activationOption = (description: string, defaultValue?: Activation) =>
  choiceOption('--activation <name>', description, ACTIVATIONS, defaultValue);

/** Short names for the initialisers, as torch and Keras call them. */
export const INIT_ALIASES: Readonly<Record<string, Initializer>> = {
  he: 'he-uniform',
  kaiming: 'he-uniform',
  xavier: 'xavier-uniform',
  glorot: 'xavier-uniform',
};

export function parseInitializer(text: string): Initializer {
  const init = INIT_ALIASES[text] ?? text;
  if ((INITIALIZERS as readonly string[]).includes(init)) return init as Initializer;
  throw new InvalidArgumentError(`It must be one of ${[...Object.keys(INIT_ALIASES), ...INITIALIZERS].join(', ')}.`);
}

export const initOption = (description: string, defaultValue: string) =>
  new Option('--init <name>', `${description}: ${[...Object.keys(INIT_ALIASES), ...INITIALIZERS].join(', ')}`)
    .argParser(parseInitializer)
    .default(parseInitializer(defaultValue), defaultValue);

/** mlp:784-128-10 → [784, 128, 10], with at most MAX_PARAMETERS parameters. */
export function parseModel(spec: string): number[] {
  const m = /^mlp:(\d+(?:-\d+)+)$/.exec(spec.trim());
  if (!m) throw new InvalidArgumentError('It must be mlp:<in>-<hidden>-…-<out>, e.g. mlp:784-128-10.');
  const sizes = m[1].split('-').map(Number);
  if (sizes.some((s) => s < 1)) throw new InvalidArgumentError('It has a layer of width 0.');
  let parameters = 0;
  for (let k = 1; k < sizes.length; k++) parameters += (sizes[k - 1] + 1) * sizes[k];
  if (!(parameters <= MAX_PARAMETERS)) {
    throw new InvalidArgumentError(
      `It has ${parameters.toLocaleString('en-US')} parameters; the limit is ` +
        `${MAX_PARAMETERS.toLocaleString('en-US')} (2^28).`,
    );
  }
  return sizes;
}

export const modelOption = (description: string) => new Option('--model <spec>', description).argParser(parseModel);

/** The data flags train and hessian share. */
export const dataOptions = (targetWhat: string) => [
  new Option('--data <name>', 'mnist, iris, or a .csv file with --target').default('mnist'),
  new Option('--target <column>', `the ${targetWhat} column of a CSV file`),
  new Option('--standardize', "standardise a CSV file's features (default: rows used as given)"),
];

/** commander has addOption only; this adds a shared group and keeps the chain going. */
export function withOptions(command: Command, options: readonly Option[]): Command {
  for (const option of options) command.addOption(option);
  return command;
}
