// The data and model flags that `saddle train` and `saddle hessian` share: --data mnist|iris|file.csv
// (--target, --standardize) and --model mlp:<in>-…-<out>.
import { fitStandardizer, loadIris, loadMnist, parseCsv, type Dataset } from '../models/index.js';
import { UsageError } from './arguments.js';
import { readText } from './files.js';

export interface DataFlags { data: string; target?: string; standardize?: boolean }

/**
 * MNIST, Iris, or a CSV file used as given (standardised only with --standardize). `classes`: the
 * target must hold class indices 0, 1, 2, … (classification), or any numbers (regression).
 */
export async function loadData(flags: DataFlags, options: { classes: boolean }): Promise<Dataset> {
  if (flags.data === 'mnist') return loadMnist();
  if (flags.data === 'iris') return loadIris();
  if (!flags.data.toLowerCase().endsWith('.csv')) throw new UsageError(`--data: '${flags.data}' is not mnist, iris or a .csv file`);
  if (!flags.target) throw new UsageError(`--data ${flags.data} needs --target <column> (the ${options.classes ? 'class' : 'target'} column)`);
  let ds = parseCsv(readText(flags.data), { target: flags.target, source: flags.data });
  if (flags.standardize) ds = { ...ds, x: fitStandardizer(ds.x).apply(ds.x) };
  if (!options.classes) return ds;
  const labels = Array.from(ds.y.data);
  if (!labels.every((v) => Number.isInteger(v) && v >= 0)) {
    throw new UsageError(`${flags.data}: the target column '${flags.target}' must hold class indices 0, 1, 2, … (or use --loss mse for numeric targets)`);
  }
  const classes = Math.max(...labels) + 1;
  return { ...ds, classNames: Array.from({ length: classes }, (_, i) => String(i)) };
}

/** mlp:784-128-10 → [784, 128, 10]. */
export function parseModel(spec: string): number[] {
  const m = /^mlp:(\d+(?:-\d+)+)$/.exec(spec.trim());
  if (!m) throw new UsageError(`--model: '${spec}' is not mlp:<in>-<hidden>-…-<out>, e.g. mlp:784-128-10`);
  const sizes = m[1].split('-').map(Number);
  if (sizes.some((s) => s < 1)) throw new UsageError(`--model: '${spec}' has a layer of width 0`);
  return sizes;
}
