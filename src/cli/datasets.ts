// The data and model flags that `saddle train` and `saddle hessian` share: --data mnist|iris|file.csv
// (--target, --standardize); their declarations are in options.ts.
import { fitStandardizer, loadIris, loadMnist, parseCsv, type Dataset } from '../models/index.js';
import { UsageError } from './arguments.js';
import { readText } from './files.js';

export interface DataFlags {
  data: string;
  target?: string;
  standardize?: boolean;
}

/**
 * MNIST, Iris, or a CSV file used as given (standardised only with --standardize). `classes`: the
 * target must hold class indices 0, 1, 2, … (classification), or any numbers (regression).
 */
export async function loadData(flags: DataFlags, options: { classes: boolean }): Promise<Dataset> {
  if (flags.data === 'mnist') return loadMnist();
  if (flags.data === 'iris') return loadIris();
  if (!flags.data.toLowerCase().endsWith('.csv'))
    throw new UsageError(`--data: '${flags.data}' is not mnist, iris or a .csv file`);
  if (!flags.target)
    throw new UsageError(
      `--data ${flags.data} needs --target <column> (the ${options.classes ? 'class' : 'target'} column)`,
    );
  let ds = parseCsv(readText(flags.data), { target: flags.target, source: flags.data });
  if (flags.standardize) ds = { ...ds, x: fitStandardizer(ds.x).apply(ds.x) };
  if (!options.classes) return ds;
  const labels = ds.y.data;
  if (!labels.every((v) => Number.isInteger(v) && v >= 0)) {
    throw new UsageError(
      `${flags.data}: the target column '${flags.target}' must hold class indices 0, 1, 2, … ` +
        '(or use --loss mse for numeric targets)',
    );
  }
  // A loop, not Math.max(...labels): a spread of 130,000 arguments overflows the call stack.
  let classes = 0;
  for (const v of labels) classes = Math.max(classes, v + 1);
  return { ...ds, classNames: Array.from({ length: classes }, (_, i) => String(i)) };
}
