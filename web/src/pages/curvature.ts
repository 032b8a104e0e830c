// Curvature: full-batch gradient descent on MNIST digits in a worker, its sharpness λ_max against 2/η
// live (the edge of stability, Cohen et al. 2021, arXiv 2103.00065), and the spectrum of the Hessian
// where it stopped.
import { sharpnessFigure } from '../../../src/experiments/curvature-figures.js';
import { ACTIVATIONS, type SharpnessPoint } from '../../../src/index.js';
import { linePlot } from '../../../src/plot/index.js';
import type { Lab } from '../client.js';
import { field, fmt, h, showSvg } from '../dom.js';
import { Lifetime, type Dispose } from '../page.js';
import type { CurvatureSettings, LossPoint, ParamSnapshot, SharpnessRequest } from '../protocol.js';
import { get, getNumber, save, type Route } from '../state.js';
import { showCurvatureReport } from './curvature-report.js';

const DIGITS = [200, 500, 1000, 2000];
const LOSSES: Record<CurvatureSettings['loss'], { label: string; axis: string }> = {
  squared: { label: 'squared error ½‖f − y‖², one-hot targets', axis: '½‖f − y‖²' },
  'cross-entropy': { label: 'cross-entropy', axis: 'cross-entropy' },
};
// Defaults that show the edge of stability in about 20 s: λ_max ≈ 26 at the start, 2/η = 20.
const DEFAULTS = {
  train: 500,
  hidden: '32',
  activation: 'tanh',
  loss: 'squared',
  lr: 0.1,
  steps: 300,
  every: 10,
  seed: 1,
};

const parseWidths = (text: string) => text.split(/[,-]/).map((v) => Number(v.trim()));
const sameSettings = (a: CurvatureSettings, b: CurvatureSettings) => JSON.stringify(a) === JSON.stringify(b);
const lrText = (lr: number) => `η = ${fmt(lr, 3)}, 2/η = ${fmt(2 / lr, 4)}`;

/** Parameters to analyse (null: the initial ones of `settings`) and the η whose 2/η they are compared with. */
type Target = { settings: CurvatureSettings; lr: number; snapshot: ParamSnapshot | null };

export function curvaturePage(app: HTMLElement, lab: Lab, r: Route): Dispose {
  // Ends the run or analysis in progress when the router leaves this page; `life.gone` is true from then on.
  const life = new Lifetime();
  const p = r.params;
  const digits = getNumber(p, 'train', DEFAULTS.train);
  const custom = Number.isInteger(digits) && digits > 0 && !DIGITS.includes(digits);
  const select = (id: string, values: readonly string[], current: string, label = (v: string) => v) =>
    h('select', { id }, ...values.map((v) => h('option', { value: v, selected: v === current }, label(v))));
  const sizes = custom ? [...DIGITS, digits].sort((a, b) => a - b) : DIGITS;
  const train = select('train', sizes.map(String), String(digits));
  const hidden = h('input', {
    id: 'hidden',
    type: 'text',
    value: get(p, 'hidden', DEFAULTS.hidden),
    size: 8,
    spellcheck: 'false',
  });
  const activation = select('activation', ACTIVATIONS, get(p, 'activation', DEFAULTS.activation));
  const loss = select('loss', Object.keys(LOSSES), get(p, 'loss', DEFAULTS.loss), (v) => LOSSES[v as 'squared'].label);
  let lr = getNumber(p, 'lr', DEFAULTS.lr);
  if (!(lr > 0)) lr = DEFAULTS.lr;
  // The slider moves log₁₀ η; η itself is kept (and written to the URL) to 3 digits.
  const lrSlider = h('input', {
    id: 'lr',
    type: 'range',
    min: -3,
    max: 0,
    step: 0.01,
    value: Math.log10(lr),
    'aria-valuetext': lrText(lr),
  });
  const lrOut = h('output', { for: 'lr', id: 'lr-value' }, lrText(lr));
  const num = (id: string, v: number, attrs: Record<string, number> = {}) =>
    h('input', { id, type: 'number', value: v, ...attrs });
  const steps = num('steps', getNumber(p, 'steps', DEFAULTS.steps), { min: 1, max: 100_000 });
  const every = num('every', getNumber(p, 'every', DEFAULTS.every), { min: 1 });
  const seed = num('seed', getNumber(p, 'seed', DEFAULTS.seed), { min: 0 });
  const start = h('button', { id: 'start', type: 'submit' }, 'Start');
  const stop = h('button', { id: 'stop', type: 'button', class: 'secondary', disabled: true }, 'Stop');
  const analyse = h('button', { id: 'analyse', type: 'button', class: 'secondary' }, 'Analyse current parameters');
  const error = h('p', { class: 'error', id: 'error', role: 'alert' });
  const status = h(
    'p',
    { class: 'status', id: 'status', 'aria-live': 'polite' },
    'Press Start to train, or analyse the initial parameters.',
  );
  const lossCurve = h('div', { class: 'figure', id: 'loss-curve' });
  const sharpness = h('div', { class: 'figure', id: 'sharpness' });
  const heading = h('h2', { id: 'analysis-heading' });
  const density = h('div', { class: 'figure', id: 'density' });
  const eigenvalues = h('table', { id: 'eigenvalues' });
  const summary = h('table', { id: 'summary' });
  const form = h(
    'form',
    { id: 'curvature-form' },
    field('MNIST digits', train),
    field('hidden widths (e.g. 32 or 16,16)', hidden),
    field('activation', activation),
    field('loss', loss),
    field('learning rate (log scale)', h('span', { class: 'range' }, lrSlider, lrOut)),
    field('steps', steps),
    field('sharpness every K steps', every),
    field('seed', seed),
    start,
    stop,
    analyse,
  );
  app.replaceChildren(
    h('h1', {}, 'Curvature: sharpness at the edge of stability'),
    h(
      'p',
      { class: 'intro' },
      'Full-batch gradient descent on a subset of MNIST. On a quadratic it diverges once the top Hessian ',
      'eigenvalue λ_max exceeds 2/η; on a network λ_max tends to rise until it reaches 2/η and then hovers there ',
      'while the loss keeps falling, not monotonically (Cohen et al. 2021, “Gradient descent on neural networks ',
      'typically occurs at the edge of stability”). λ_max is measured every K steps on the same digits by 20 ',
      'Lanczos steps; weights start as PyTorch’s nn.Linear does.',
    ),
    form,
    error,
    status,
    h('div', { class: 'layout' }, lossCurve, sharpness),
    h(
      'section',
      { 'aria-labelledby': 'analysis-heading' },
      heading,
      h('div', { class: 'layout' }, density, h('div', { class: 'side' }, eigenvalues, summary)),
    ),
  );

  const settings = (): CurvatureSettings | string => {
    const widths = parseWidths(hidden.value);
    if (!widths.every((v) => Number.isInteger(v) && v > 0 && v <= 1024)) {
      return `hidden widths: '${hidden.value}' should be sizes joined by commas, e.g. 32 or 16,16`;
    }
    const s = Number(seed.value);
    if (!Number.isInteger(s) || s < 0) return `seed: '${seed.value}' should be a whole number, 0 or more`;
    const [act, l] = [activation.value as CurvatureSettings['activation'], loss.value as CurvatureSettings['loss']];
    return { train: Number(train.value), hidden: widths, activation: act, loss: l, seed: s };
  };
  const persist = () =>
    save('curvature', {
      train: train.value,
      hidden: hidden.value,
      activation: activation.value,
      loss: loss.value,
      lr,
      steps: steps.value,
      every: every.value,
      seed: seed.value,
    });
  form.addEventListener('change', persist);
  lrSlider.addEventListener('input', () => {
    lr = Number((10 ** Number(lrSlider.value)).toPrecision(3));
    lrOut.textContent = lrText(lr);
    lrSlider.setAttribute('aria-valuetext', lrText(lr));
  });

  // The run on screen: its curves, and its latest parameters (which outlive its worker when stopped).
  let job: { stop: () => void } | null = null;
  let losses: LossPoint[] = [];
  let points: SharpnessPoint[] = [];
  let last: (Target & { snapshot: ParamSnapshot }) | null = null;
  const busy = (on: boolean) => {
    start.disabled = on;
    analyse.disabled = on;
    stop.disabled = !on;
  };
  const drawRun = (s: CurvatureSettings, threshold: number, k: number) => {
    const x = losses.map((q) => q.step);
    const final = fmt(losses.at(-1)?.loss ?? NaN, 4);
    // log₁₀: a diverging run spans dozens of decades, and the small rises at the edge of stability stay visible.
    showSvg(
      lossCurve,
      linePlot({
        x,
        y: losses.map((q) => Math.log10(q.loss)),
        label: 'training loss',
        title: 'Training loss, full batch',
        xLabel: 'step',
        yLabel: `log₁₀ ${LOSSES[s.loss].axis}`,
      }),
    ).setAttribute('aria-label', `training loss at ${x.length} steps; last ${final}`);
    if (points.length === 0) return;
    const title = `Sharpness λ_max against 2/η (every ${k} steps)`;
    showSvg(sharpness, sharpnessFigure(points, threshold, { title })).setAttribute(
      'aria-label',
      `${title}: ${points.length} estimates, the last ${fmt(points.at(-1)!.value, 4)}; 2/η = ${fmt(threshold, 4)}`,
    );
    sharpness.dataset.points = String(points.length);
  };
  const clearAnalysis = () => {
    heading.textContent = '';
    density.replaceChildren();
    eigenvalues.replaceChildren();
    summary.replaceChildren();
  };

  /** Analyses `target`'s parameters in a worker of its own; `before` says how the run that made them ended. */
  const runAnalysis = (target: Target, before = '') => {
    const what = target.snapshot ? `the parameters at step ${target.snapshot.step}` : 'the initial parameters';
    clearAnalysis();
    status.textContent = `${before}Analysing ${what}: loading the digits…`;
    busy(true);
    const j = life.job(
      lab.job('curvature', { settings: target.settings, snapshot: target.snapshot }, (e) => {
        status.textContent = `${before}Analysing ${what}: ${e.stage}, ${e.done} of ${e.of} products`;
      }),
    );
    job = j;
    j.done
      .then((report) => {
        if (life.gone) return;
        showCurvatureReport({ density, eigenvalues, summary, heading }, report, 2 / target.lr);
        status.textContent = `${before}Analysed ${what} in ${report.seconds.toFixed(1)} s.`;
      })
      .catch((err: Error) => {
        const outcome = err.message === 'stopped' ? 'Analysis stopped.' : `Analysis failed: ${err.message}`;
        status.textContent = `${before}${outcome}`;
      })
      .finally(() => busy(false));
  };

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const s = settings();
    if (typeof s === 'string') return void (error.textContent = s);
    const req: SharpnessRequest = { ...s, lr, steps: Number(steps.value), every: Number(every.value) };
    if (![req.steps, req.every].every((v) => Number.isInteger(v) && v >= 1)) {
      return void (error.textContent = 'steps and K should be positive whole numbers');
    }
    error.textContent = '';
    persist();
    const threshold = 2 / req.lr;
    losses = [];
    points = [];
    last = null;
    lossCurve.replaceChildren();
    sharpness.replaceChildren();
    delete sharpness.dataset.points;
    clearAnalysis();
    status.textContent = 'Loading 10,000 MNIST digits…';
    busy(true);
    const j = life.job(
      lab.job('sharpness', req, (e) => {
        if (e.kind === 'loaded') {
          status.textContent = `Training ${e.parameters.toLocaleString('en')} parameters on ${e.examples} digits…`;
          return;
        }
        for (const l of e.losses) losses.push(l);
        for (const p of e.sharpness) points.push(p);
        last = { settings: s, lr: req.lr, snapshot: e.snapshot };
        const [now, at] = [losses.at(-1), points.at(-1)];
        status.textContent =
          `Step ${now?.step ?? 0} of ${req.steps}: loss ${fmt(now?.loss ?? NaN, 4)}` +
          (at ? `, λ_max ${fmt(at.value, 4)} at step ${at.step} (2/η = ${fmt(threshold, 4)})` : '');
        drawRun(s, threshold, req.every);
      }),
    );
    job = j;
    j.done
      .then((res) => {
        if (life.gone) return;
        last = { settings: s, lr: req.lr, snapshot: res.snapshot };
        if (res.outcome === 'finished') return runAnalysis(last, `Done: ${res.reason}. `);
        status.textContent = `Stopped: ${res.reason}.`;
        busy(false);
      })
      .catch((err: Error) => {
        busy(false);
        if (life.gone) return;
        if (err.message !== 'stopped') status.textContent = `Failed: ${err.message}`;
        else if (last) runAnalysis(last, `Stopped at step ${last.snapshot.step}. `);
        else status.textContent = 'Stopped before the first step.';
      });
  });
  stop.addEventListener('click', () => job?.stop());
  analyse.addEventListener('click', () => {
    const s = settings();
    if (typeof s === 'string') return void (error.textContent = s);
    error.textContent = '';
    // The last run's parameters while the controls still describe its network; else the initial ones.
    runAnalysis(last && sameSettings(last.settings, s) ? last : { settings: s, lr, snapshot: null });
  });
  return life.dispose;
}
