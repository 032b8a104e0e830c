// Optimiser race: pick optimisers (torch.optim names, learning rates on sliders), click a start point on
// the map, and watch the trajectories animate side by side with a loss-against-step chart.
import type { OptimizerName } from '../../../src/index.js';
import { linePlot } from '../../../src/plot/index.js';
import { WorkerFailure, type Job, type Lab } from '../client.js';
import { field, fmt, h, s, showSvg, toData, toPixel } from '../dom.js';
import { Lifetime, type Dispose } from '../page.js';
import type { RaceOptimizer, RaceTrajectory } from '../protocol.js';
import { get, getNumber, save, type Route } from '../state.js';

export const PRESETS = [
  { name: "x² + 2y² (the chapter's quadratic)", f: 'x^2 + 2*y^2', box: 'x=-3:3,y=-3:3', start: [-2.5, -2] },
  { name: '0.1x² + 2y² (ill-conditioned)', f: '0.1*x^2 + 2*y^2', box: 'x=-6:6,y=-3:3', start: [-5, -2] },
  { name: 'x² − y² (a saddle)', f: 'x^2 - y^2', box: 'x=-1:1,y=-1:1', start: [0.8, 0.01] },
  { name: 'x·cos(πx) (local and global minima)', f: 'x*cos(pi*x)', box: 'x=-1:2', start: [-0.5] },
  { name: 'Rosenbrock', f: '(1 - x)^2 + 100*(y - x^2)^2', box: 'x=-2:2,y=-1:3', start: [-1.2, 1] },
];

// The contenders, each a library optimiser (by its registry name) with the settings the race starts from.
type Contender = { key: string; label: string; optimizer: OptimizerName; lr: number; momentum?: number };
const OPTIMIZERS: Contender[] = [
  { key: 'gd', label: 'SGD', optimizer: 'sgd', lr: 0.1 },
  { key: 'momentum', label: 'SGD, momentum 0.9', optimizer: 'sgd', lr: 0.02, momentum: 0.9 },
  { key: 'adagrad', label: 'Adagrad', optimizer: 'adagrad', lr: 0.5 },
  { key: 'rmsprop', label: 'RMSprop', optimizer: 'rmsprop', lr: 0.05 },
  { key: 'adam', label: 'Adam', optimizer: 'adam', lr: 0.1 },
  { key: 'newton', label: 'Newton', optimizer: 'newton', lr: 1 },
];
const COLOURS = ['#d95f02', '#1b9e77', '#7570b3', '#e7298a', '#66a61e', '#a6761d'];

function parseOpts(text: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const part of text.split(',')) {
    const [k, v] = part.split(':');
    const lr = Number(v);
    if (OPTIMIZERS.some((o) => o.key === k) && lr > 0) m.set(k, lr);
  }
  return m;
}

export function racePage(app: HTMLElement, lab: Lab, r: Route): Dispose {
  const life = new Lifetime();
  const presetIndex = Math.max(
    0,
    PRESETS.findIndex((p) => p.f === get(r.params, 'f', PRESETS[0].f)),
  );
  const preset = PRESETS[presetIndex];
  const state = {
    f: get(r.params, 'f', preset.f),
    box: get(r.params, 'box', preset.box),
    start: get(r.params, 'start', preset.start.join(',')).split(',').map(Number),
    steps: getNumber(r.params, 'steps', 60),
    opts: parseOpts(get(r.params, 'opts', 'gd:0.1,momentum:0.02,adam:0.1')),
  };
  const presets = h(
    'select',
    { id: 'preset' },
    ...PRESETS.map((p, i) => h('option', { value: String(i), selected: p.f === state.f }, p.name)),
  );
  const objective = h('input', { id: 'objective', type: 'text', value: state.f, spellcheck: 'false' });
  const box = h('input', { id: 'box', type: 'text', value: state.box, spellcheck: 'false' });
  const steps = h('input', { id: 'steps', type: 'range', min: 5, max: 300, step: 5, value: state.steps });
  const stepsOut = h('output', { for: 'steps' }, String(state.steps));
  const rows = OPTIMIZERS.map((o) => {
    const on = h('input', { type: 'checkbox', id: `use-${o.key}`, checked: state.opts.has(o.key) });
    const lr0 = state.opts.get(o.key) ?? o.lr;
    const slider = h('input', {
      type: 'range',
      id: `lr-${o.key}`,
      min: -3,
      max: 0.3,
      step: 0.05,
      value: Math.log10(lr0),
      'aria-label': `${o.label} learning rate (log10)`,
    });
    const out = h('output', { for: `lr-${o.key}` }, `η = ${fmt(lr0, 3)}`);
    slider.addEventListener('input', () => (out.textContent = `η = ${fmt(10 ** Number(slider.value), 3)}`));
    return { o, on, slider, out };
  });
  const optGrid = h(
    'fieldset',
    { class: 'opt' },
    h('legend', {}, 'optimisers (torch.optim update rules)'),
    ...rows.flatMap(({ o, on, slider, out }) => [
      h('label', { for: `use-${o.key}`, style: 'flex-direction:row;gap:0.4em;color:inherit' }, on, o.label),
      slider,
      out,
    ]),
  );
  const run = h('button', { id: 'run', type: 'button' }, 'Race from the start point');
  const error = h('pre', { class: 'error', id: 'error', role: 'alert' });
  const status = h(
    'p',
    { class: 'status', id: 'status', 'aria-live': 'polite' },
    'Click the map to choose a start point.',
  );
  const figure = h('div', { class: 'figure', id: 'map' });
  const chart = h('div', { class: 'figure', id: 'loss-chart' });
  const results = h('table', { id: 'results' });
  app.replaceChildren(
    h('h1', {}, 'Optimiser race'),
    h(
      'form',
      { class: 'controls', id: 'race-form' },
      field('preset', presets),
      field('objective f', objective),
      field('box', box),
      field('steps', h('span', {}, steps, ' ', stepsOut)),
    ),
    optGrid,
    h('div', { class: 'controls' }, run),
    error,
    status,
    h('div', { class: 'layout' }, figure, h('div', { class: 'side' }, chart, results)),
  );

  const persist = () =>
    save('race', {
      f: state.f,
      box: state.box,
      start: state.start.map((v) => fmt(v, 5)).join(','),
      steps: state.steps,
      opts: rows
        .filter((x) => x.on.checked)
        .map((x) => `${x.o.key}:${fmt(10 ** Number(x.slider.value), 3)}`)
        .join(','),
    });
  let oneD = false;
  const drawMap = async () => {
    error.textContent = '';
    try {
      const res = await lab.call('landscape', { f: state.f, box: state.box, style: 'contour' });
      if (life.gone) return false;
      oneD = res.variables.length === 1;
      if (state.start.length !== res.variables.length || state.start.some((v) => !Number.isFinite(v))) {
        state.start = res.box.map(([lo, hi]) => lo + 0.25 * (hi - lo));
      }
      showSvg(figure, res.svg).setAttribute('aria-label', `map of ${state.f}; click to choose a start point`);
      drawStart();
      return true;
    } catch (err) {
      const pointer = err instanceof WorkerFailure && err.detail.pointer ? `\n${err.detail.pointer}` : '';
      error.textContent = `${err instanceof Error ? err.message : String(err)}${pointer}`;
      figure.replaceChildren();
      return false;
    }
  };
  const overlay = () => {
    const svg = figure.querySelector('svg')!;
    const g = svg.querySelector<SVGGElement>('g#race') ?? svg.appendChild(s('g', { id: 'race' }));
    return { svg, g };
  };
  const pixel = (svg: SVGSVGElement, p: number[], value: number) => toPixel(svg, p[0], oneD ? value : p[1]);
  let startValue = 0;
  const drawStart = async () => {
    const { svg, g } = overlay();
    g.replaceChildren();
    if (oneD) startValue = (await lab.call('point', { f: state.f, at: state.start })).value;
    const px = pixel(svg, state.start, startValue);
    if (!px || life.gone) return;
    g.append(s('circle', { id: 'start', cx: px[0], cy: px[1], r: 6, fill: '#111' }));
    status.textContent = `start (${state.start.map((v) => fmt(v, 4)).join(', ')}): press “Race” or click elsewhere`;
  };
  let animation = 0;
  life.defer(() => cancelAnimationFrame(animation));
  // The race is computed on a worker of its own, so that a new race, or leaving the page, stops it.
  let job: Job<'race'> | null = null;
  const race = async () => {
    persist();
    const optimizers: RaceOptimizer[] = rows
      .filter((x) => x.on.checked)
      .map((x) => ({
        name: x.o.label,
        optimizer: x.o.optimizer,
        lr: 10 ** Number(x.slider.value),
        momentum: x.o.momentum,
      }));
    if (optimizers.length === 0) {
      status.textContent = 'Choose at least one optimiser.';
      return;
    }
    status.textContent = 'Running…';
    run.disabled = true;
    job?.stop();
    const j = (job = life.job(lab.job('race', { f: state.f, start: state.start, optimizers, steps: state.steps })));
    try {
      const { trajectories } = await j.done;
      if (!life.gone) animate(trajectories);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (message !== 'stopped') error.textContent = message;
    } finally {
      if (job === j) run.disabled = false;
    }
  };
  const animate = (ts: RaceTrajectory[]) => {
    cancelAnimationFrame(animation);
    const { svg, g } = overlay();
    const lines = ts.map((t, k) => ({
      t,
      pl: g.appendChild(
        s('polyline', {
          fill: 'none',
          stroke: COLOURS[k % COLOURS.length],
          'stroke-width': 2,
          class: 'trajectory',
        }),
      ),
    }));
    const longest = ts.reduce((m, t) => Math.max(m, t.points.length), 0);
    const t0 = performance.now();
    const duration = 1500;
    const frame = (now: number) => {
      const upto = Math.min(longest, Math.ceil(((now - t0) / duration) * longest));
      for (const { t, pl } of lines) {
        const pts = t.points
          .slice(0, upto)
          .map((p, i) => pixel(svg, p, t.values[i]))
          .filter((p): p is [number, number] => p !== null);
        pl.setAttribute('points', pts.map(([a, b]) => `${a.toFixed(1)},${b.toFixed(1)}`).join(' '));
      }
      drawChart(ts, upto);
      if (upto < longest) animation = requestAnimationFrame(frame);
      else finish(ts);
    };
    animation = requestAnimationFrame(frame);
  };
  const drawChart = (ts: RaceTrajectory[], upto: number) => {
    const shown = ts.map((t) => ({
      x: t.values.slice(0, upto).map((_, i) => i),
      y: t.values.slice(0, upto),
      label: t.name,
      markers: false,
    }));
    showSvg(
      chart,
      linePlot({
        x: [],
        y: [],
        traces: shown,
        yRange: 'all',
        title: 'f against step',
        xLabel: 'step',
        yLabel: 'f',
        width: 420,
        height: 280,
      }),
    );
  };
  const finish = (ts: RaceTrajectory[]) => {
    results.replaceChildren(
      h(
        'thead',
        {},
        h('tr', {}, ...['optimiser', 'final point', 'final f', 'stopped'].map((t) => h('th', { scope: 'col' }, t))),
      ),
      h(
        'tbody',
        {},
        ...ts.map((t, k) => {
          const last = t.points[t.points.length - 1];
          const value = t.values[t.values.length - 1];
          return h(
            'tr',
            { class: 'result-row', 'data-final': last.join(','), 'data-value': String(value) },
            h('td', { style: `color:${COLOURS[k % COLOURS.length]};font-weight:600` }, t.name),
            h('td', {}, `(${last.map((v) => fmt(v, 4)).join(', ')})`),
            h('td', {}, fmt(value)),
            h('td', {}, t.reason),
          );
        }),
      ),
    );
    status.textContent = `Done: ${ts.length} optimiser${ts.length === 1 ? '' : 's'}, ${state.steps} steps at most.`;
  };
  figure.addEventListener('click', (e) => {
    const svg = figure.querySelector('svg');
    const p = svg && toData(svg, e);
    if (!p) return;
    state.start = oneD ? [p[0]] : p;
    persist();
    void drawStart().then(race);
  });
  presets.addEventListener('change', () => {
    const p = PRESETS[Number(presets.value)];
    state.f = objective.value = p.f;
    state.box = box.value = p.box;
    state.start = [...p.start];
    persist();
    void drawMap();
  });
  const reload = () => {
    state.f = objective.value;
    state.box = box.value;
    persist();
    void drawMap();
  };
  objective.addEventListener('change', reload);
  box.addEventListener('change', reload);
  steps.addEventListener('input', () => {
    state.steps = Number(steps.value);
    stepsOut.textContent = steps.value;
  });
  run.addEventListener('click', () => void race());
  for (const x of rows) x.on.addEventListener('change', persist);
  void drawMap().then((ok) => {
    if (ok && r.params.has('start')) void race();
  });
  return life.dispose;
}
