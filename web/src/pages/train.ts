// Train: a small MLP on an MNIST subset in a worker, with live training and test curves and a stop button.
import { ACTIVATIONS, FIRST_ORDER_OPTIMIZERS, INITIALIZERS, type EpochReport } from '../../../src/index.js';
import { linePlot } from '../../../src/plot/index.js';
import type { Job, Lab } from '../client.js';
import { field, fmt, h, showSvg } from '../dom.js';
import { Lifetime, type Dispose } from '../page.js';
import type { TrainRequest } from '../protocol.js';
import { get, getNumber, save, type Route } from '../state.js';

/** A menu of the library's names, `current` selected. */
const menu = (id: string, names: readonly string[], current: string) =>
  h('select', { id }, ...names.map((a) => h('option', { selected: a === current }, a)));

export function trainPage(app: HTMLElement, lab: Lab, r: Route): Dispose {
  const life = new Lifetime();
  const hidden = h('input', { id: 'hidden', type: 'text', value: get(r.params, 'hidden', '64'), size: 8 });
  const activation = menu('activation', ACTIVATIONS, get(r.params, 'activation', 'relu'));
  const init = menu('init', INITIALIZERS, get(r.params, 'init', 'he-uniform'));
  const optimizer = menu('optimizer', FIRST_ORDER_OPTIMIZERS, get(r.params, 'optimizer', 'adam'));
  const num = (id: string, v: number, attrs: Record<string, number> = {}) =>
    h('input', { id, type: 'number', value: v, ...attrs });
  const lr = num('lr', getNumber(r.params, 'lr', 0.001), { step: 0.0001, min: 0 });
  const batch = num('batch', getNumber(r.params, 'batch', 64), { min: 1 });
  const epochs = num('epochs', getNumber(r.params, 'epochs', 5), { min: 1, max: 100 });
  const train = num('train', getNumber(r.params, 'train', 2000), { min: 10, max: 9000 });
  const test = num('test', getNumber(r.params, 'test', 1000), { min: 10, max: 5000 });
  const seed = num('seed', getNumber(r.params, 'seed', 1), { min: 0 });
  const start = h('button', { id: 'start', type: 'submit' }, 'Start');
  const stop = h('button', { id: 'stop', type: 'button', class: 'secondary', disabled: true }, 'Stop');
  const status = h('p', { class: 'status', id: 'status', 'aria-live': 'polite' });
  const error = h('p', { class: 'error', id: 'error', role: 'alert' });
  const chart = h('div', { class: 'figure', id: 'curves' });
  const table = h('table', { id: 'epochs' });
  const form = h(
    'form',
    { id: 'train-form' },
    field('hidden layers (e.g. 64 or 128-64)', hidden),
    field('activation', activation),
    field('initialiser', init),
    field('optimiser', optimizer),
    field('learning rate', lr),
    field('batch', batch),
    field('epochs', epochs),
    field('training digits', train),
    field('test digits', test),
    field('seed', seed),
    start,
    stop,
  );
  app.replaceChildren(
    h('h1', {}, 'Train an MLP on MNIST'),
    form,
    error,
    status,
    h('div', { class: 'layout' }, chart, h('div', { class: 'side' }, table)),
  );
  let job: Job<'train'> | null = null;
  const reports: EpochReport[] = [];
  const draw = () => {
    const e = reports.map((x) => x.epoch);
    showSvg(
      chart,
      linePlot({
        x: e,
        y: reports.map((x) => x.trainLoss),
        label: 'training loss',
        traces: [{ x: e, y: reports.map((x) => x.testLoss), label: 'test loss' }],
        yRange: 'all',
        title: 'Loss per epoch',
        xLabel: 'epoch',
        yLabel: 'cross-entropy',
      }),
    );
    const percent = (v: number) => `${(100 * v).toFixed(2)}%`;
    table.replaceChildren(
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ...['epoch', 'train loss', 'train acc.', 'test loss', 'test acc.', 's'].map((t) =>
            h('th', { scope: 'col' }, t),
          ),
        ),
      ),
      h(
        'tbody',
        {},
        ...reports.map((x) =>
          h(
            'tr',
            { class: 'epoch-row' },
            h('td', {}, String(x.epoch)),
            h('td', {}, fmt(x.trainLoss, 4)),
            h('td', {}, percent(x.trainAccuracy)),
            h('td', {}, fmt(x.testLoss, 4)),
            h('td', {}, percent(x.testAccuracy)),
            h('td', {}, x.seconds.toFixed(2)),
          ),
        ),
      ),
    );
  };
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const sizes = hidden.value.split('-').map((v) => Number(v.trim()));
    error.textContent = '';
    if (!sizes.every((v) => Number.isInteger(v) && v > 0 && v <= 2048)) {
      error.textContent = `hidden layers: '${hidden.value}' should be sizes joined by '-', e.g. 128-64`;
      return;
    }
    const digits = Number(train.value) + Number(test.value);
    if (digits > 10000) {
      error.textContent = `training and test digits together (${digits}) exceed the 10,000 available`;
      return;
    }
    save('train', {
      hidden: hidden.value,
      activation: activation.value,
      init: init.value,
      optimizer: optimizer.value,
      lr: lr.value,
      batch: batch.value,
      epochs: epochs.value,
      train: train.value,
      test: test.value,
      seed: seed.value,
    });
    reports.length = 0;
    chart.replaceChildren();
    table.replaceChildren();
    status.textContent = 'Loading 10,000 MNIST digits…';
    start.disabled = true;
    stop.disabled = false;
    // The menus offer only the library's names, and the worker checks them again.
    const request: TrainRequest = {
      hidden: sizes,
      activation: activation.value as TrainRequest['activation'],
      init: init.value as TrainRequest['init'],
      optimizer: optimizer.value,
      lr: Number(lr.value),
      batch: Number(batch.value),
      epochs: Number(epochs.value),
      train: Number(train.value),
      test: Number(test.value),
      seed: Number(seed.value),
    };
    const j = life.job(
      lab.job('train', request, (e) => {
        if (e.kind === 'loaded') status.textContent = 'Training…';
        else if (e.kind === 'batch') status.textContent = `Epoch ${e.epoch}: batch ${e.batch + 1} of ${e.perEpoch}`;
        else {
          reports.push(e.report);
          draw();
        }
      }),
    );
    job = j;
    const n = () => `${reports.length} epoch${reports.length === 1 ? '' : 's'}`;
    j.done
      .then(() => (status.textContent = `Done: ${n()}.`))
      .catch((err: Error) => {
        status.textContent = err.message === 'stopped' ? `Stopped after ${n()}.` : `Failed: ${err.message}`;
      })
      .finally(() => {
        start.disabled = false;
        stop.disabled = true;
      });
  });
  stop.addEventListener('click', () => job?.stop());
  return life.dispose;
}
