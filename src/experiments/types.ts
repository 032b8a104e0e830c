// An experiment is one claim of the chapter made executable: it runs from a seed, measures, draws,
// and a separate check decides the verdict from the numbers alone (so a reader can re-check it).
import { SaddleError } from '../core/errors.js';
import type { Rng } from '../random/index.js';

export type Verdict = 'holds' | 'holds with qualification' | 'does not hold';

export type Figure = { name: string; caption: string; svg: string };

/** A setting a reader can change (the web lab draws it as a slider or a menu). */
export type Control =
  | {
      name: string;
      label: string;
      kind: 'number';
      min: number;
      max: number;
      step: number;
      default: number;
      scale?: 'linear' | 'log';
    }
  | { name: string; label: string; kind: 'choice'; options: readonly string[]; default: string };

export type ExperimentConfig = {
  /** Smaller sizes, for CI and a first look (the whole quick run takes under two minutes). */
  quick: boolean;
  seed: number;
  /** Values for the experiment's controls (by name); absent ones take their defaults. */
  params?: Readonly<Record<string, number | string>>;
  /** Progress in [0, 1] with what is being done, for a progress bar. */
  onProgress?: (fraction: number, what: string) => void;
};

export type ExperimentOutput<N> = {
  /** What was measured: plain JSON-able numbers, arrays and records. */
  numbers: N;
  /** The settings that the sizes depend on (quick or full). */
  settings: Record<string, unknown>;
  figures: Figure[];
};

export type CheckResult = { verdict: Verdict; reasons: string[] };

export type Experiment<N = Record<string, unknown>> = {
  id: string;
  title: string;
  /** The claim, in the chapter's words. */
  claim: string;
  /** Where the claim is made, and the sources the measurement leans on. */
  source: string;
  /** Settings a reader may change; the verdict's conditions are stated for the defaults. */
  controls?: readonly Control[];
  run(config: ExperimentConfig, rng: Rng): ExperimentOutput<N> | Promise<ExperimentOutput<N>>;
  /** The verdict, from the numbers alone. */
  check(numbers: N): CheckResult;
};

export type ExperimentResult = {
  id: string;
  title: string;
  claim: string;
  source: string;
  seed: number;
  quick: boolean;
  settings: Record<string, unknown>;
  numbers: unknown;
  verdict: Verdict;
  reasons: string[];
  figures: Figure[];
  seconds: number;
};

/** A tally of conditions: each names what it checks, so the verdict comes with its reasons. */
export class Conditions {
  readonly passed: string[] = [];
  readonly failed: string[] = [];
  expect(ok: boolean, what: string): boolean {
    (ok ? this.passed : this.failed).push(what);
    return ok;
  }
  /** A measured fact that informs the verdict without deciding it. */
  note(what: string): void {
    this.passed.push(`note: ${what}`);
  }
  /** holds when every main condition passed; `qualified` conditions that failed make it 'holds with qualification'. */
  verdict(qualifications: string[] = []): CheckResult {
    if (this.failed.length > 0)
      return { verdict: 'does not hold', reasons: [...this.failed.map((f) => `failed: ${f}`), ...this.passed] };
    if (qualifications.length > 0)
      return {
        verdict: 'holds with qualification',
        reasons: [...this.passed, ...qualifications.map((q) => `qualification: ${q}`)],
      };
    return { verdict: 'holds', reasons: this.passed };
  }
}

/** A control's value from the config: the reader's, checked against the control, or its default. */
export function param<T extends number | string>(config: ExperimentConfig, control: Control & { default: T }): T {
  const v = config.params?.[control.name];
  if (v === undefined) return control.default;
  if (control.kind === 'number') {
    const x = Number(v);
    if (!Number.isFinite(x) || x < control.min || x > control.max)
      throw new SaddleError(`${control.label}: ${v} is outside [${control.min}, ${control.max}]`);
    return x as T;
  }
  if (!control.options.includes(String(v)))
    throw new SaddleError(`${control.label}: '${v}' is not one of ${control.options.join(', ')}`);
  return String(v) as T;
}
