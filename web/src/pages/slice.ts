// Slice: the loss around a freshly trained MLP over a plane of two filter-normalised random directions (Li et al.
// 2018), computed by several workers at once and drawn as the points arrive; unfinished points are gaps.
import {
  ACTIVATIONS,
  axis,
  NORMALIZATIONS,
  recordPoint,
  sliceFigure,
  type LandscapeResult,
} from '../../../src/index.js';
import type { Job, Lab } from '../client.js';
import { field, h, showSvg } from '../dom.js';
import { Lifetime, type Dispose } from '../page.js';
import type { SliceRequest } from '../protocol.js';
import { get, getNumber, save, type Route } from '../state.js';

const menu = (id: string, names: readonly string[], current: string) =>
  h('select', { id }, ...names.map((a) => h('option', { selected: a === current }, a)));

export function slicePage(app: HTMLElement, lab: Lab, r: Route): Dispose {
  const life = new Lifetime();
  const num = (id: string, v: number, attrs: Record<string, number | string> = {}) =>
    h('input', { id, type: 'number', value: v, ...attrs });
  const hidden = num('hidden', getNumber(r.params, 'hidden', 32), { min: 1, max: 512 });
  const activation = menu('activation', ACTIVATIONS, get(r.params, 'activation', 'relu'));
  const train = num('train', getNumber(r.params, 'train', 1000), { min: 10, max: 9000 });
  const epochs = num('epochs', getNumber(r.params, 'epochs', 3), { min: 1, max: 50 });
  const grid = num('grid', getNumber(r.params, 'grid', 15), { min: 2, max: 61 });
  const range = num('range', getNumber(r.params, 'range', 1), { min: 0.01, max: 100, step: 'any' });
  const normalize = menu('normalize', NORMALIZATIONS, get(r.params, 'normalize', 'filter'));
  const seed = num('seed', getNumber(r.params, 'seed', 1), { min: 0 });
  const start = h('button', { id: 'start', type: 'submit' }, 'Compute');
  const stop = h('button', { id: 'stop', type: 'button', class: 'secondary', disabled: true }, 'Stop');
  const status = h('p', { class: 'status', id: 'status', 'aria-live': 'polite' });
  const error = h('p', { class: 'error', id: 'error', role: 'alert' });
  const chart = h('div', { class: 'figure', id: 'slice' });
  const form = h(
    'form',
    { id: 'slice-form' },
    field('hidden units', hidden),
    field('activation', activation),
    field('training digits', train),
    field('epochs', epochs),
    field('grid points per axis', grid),
    field('range ±', range),
    field('normalisation', normalize),
    field('seed', seed),
    start,
    stop,
  );
  app.replaceChildren(
    h('h1', {}, 'Loss landscape: a slice around a trained network'),
    h(
      'p',
      {},
      'Two seeded Gaussian directions, each output unit scaled to the norm of its weights (filter normalisation); ' +
        'the training loss over the plane they span through the trained parameters, computed by several workers.',
    ),
    form,
    error,
    status,
    chart,
  );
  let jobs: Job<'slice'>[] = [];
  let frame = 0;
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    error.textContent = '';
    const n = Number(grid.value);
    const digits = Number(train.value);
    if (!(Number.isInteger(n) && n >= 2 && n <= 61)) {
      error.textContent = `grid points per axis: ${grid.value} should be a whole number from 2 to 61`;
      return;
    }
    if (!(Number.isInteger(digits) && digits >= 10 && digits + 1000 <= 10000)) {
      error.textContent = `training digits: ${train.value} should be from 10 to 9,000`;
      return;
    }
    save('slice', {
      hidden: hidden.value,
      activation: activation.value,
      train: train.value,
      epochs: epochs.value,
      grid: grid.value,
      range: range.value,
      normalize: normalize.value,
      seed: seed.value,
    });
    const x = axis(-Number(range.value), Number(range.value), n);
    const empty = () => x.map(() => x.map((): number | null => null));
    const result: LandscapeResult = {
      mode: 'slice',
      normalize: normalize.value as LandscapeResult['normalize'],
      axes: { x, y: x },
      trainLoss: empty(),
      trainAccuracy: empty(),
      testLoss: empty(),
      testAccuracy: empty(),
      done: 0,
      points: n * n,
    };
    const draw = () => {
      frame = 0;
      if (life.gone) return;
      showSvg(chart, sliceFigure(result, { title: `Training loss, ${result.done} of ${result.points} points` }));
      chart.dataset.done = String(result.done);
    };
    const parts = Math.max(1, Math.min(4, navigator.hardwareConcurrency || 2));
    const request = (part: number): SliceRequest => ({
      hidden: [Number(hidden.value)],
      activation: activation.value as SliceRequest['activation'],
      train: digits,
      test: 1000,
      epochs: Number(epochs.value),
      seed: Number(seed.value),
      grid: [n, n],
      range: Number(range.value),
      normalize: normalize.value as SliceRequest['normalize'],
      part,
      parts,
    });
    chart.replaceChildren();
    status.textContent = `Training the network in ${parts} workers…`;
    start.disabled = true;
    stop.disabled = false;
    const started = performance.now();
    jobs = Array.from({ length: parts }, (_, part) =>
      life.job(
        lab.job('slice', request(part), (e) => {
          if (e.kind === 'trained') {
            const trained = `Trained (loss ${e.trainLoss.toFixed(4)}, ${e.parameters} parameters)`;
            status.textContent = `${trained}; computing the grid…`;
            return;
          }
          recordPoint(result, e.k, e.metrics);
          status.textContent = `${result.done} of ${result.points} points (${parts} workers)`;
          if (frame === 0) frame = requestAnimationFrame(draw);
        }),
      ),
    );
    life.defer(() => cancelAnimationFrame(frame));
    Promise.all(jobs.map((j) => j.done))
      .then(() => {
        draw();
        const seconds = (performance.now() - started) / 1000;
        status.textContent = `Done: ${result.done} points in ${seconds.toFixed(1)} s (${parts} workers).`;
      })
      .catch((err: Error) => {
        for (const j of jobs) j.stop();
        draw();
        status.textContent =
          err.message === 'stopped'
            ? `Stopped at ${result.done} of ${result.points} points.`
            : `Failed: ${err.message}`;
      })
      .finally(() => {
        start.disabled = false;
        stop.disabled = true;
      });
  });
  stop.addEventListener('click', () => jobs.forEach((j) => j.stop()));
  return life.dispose;
}
