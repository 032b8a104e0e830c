// Landscape explorer: an objective of one or two variables on a box, drawn as a curve, a contour map
// or a rotatable wireframe, with every stationary point found, certified and classified.
import { WorkerFailure, type Job, type Lab } from '../client.js';
import { field, fmt, h, showSvg, toData } from '../dom.js';
import { Lifetime, type Dispose } from '../page.js';
import type { LandscapeRequest, LandscapeResponse } from '../protocol.js';
import type { AnalysisReport } from '../../../src/index.js';
import { get, getNumber, save, type Route } from '../state.js';

export const EXAMPLES = [
  { f: 'x*cos(pi*x)', box: 'x=-1:2' },
  { f: 'x^3', box: 'x=-2:2' },
  { f: 'x^2 - y^2', box: 'x=-1:1,y=-1:1' },
  { f: '(x^2 + y - 11)^2 + (x + y^2 - 7)^2', box: 'x=-5:5,y=-5:5' },
  { f: 'x^4/4 - x^2/2 + y^2/2', box: 'x=-1.5:1.5,y=-1.5:1.5' },
];

type ReportExtremum = AnalysisReport['globalMinimum'];
type ReportRegion = AnalysisReport['unresolved'][number];

/** Unresolved regions listed beside the figure; the rest are counted. */
const MAX_REGIONS_SHOWN = 8;

const STYLES: Record<'contour' | 'surface', string> = { contour: 'contour map', surface: '3-D wireframe' };

export function landscapePage(app: HTMLElement, lab: Lab, r: Route): Dispose {
  const life = new Lifetime();
  const state = {
    f: get(r.params, 'f', EXAMPLES[0].f),
    box: get(r.params, 'box', EXAMPLES[0].box),
    style: get(r.params, 'style', 'contour'),
    az: getNumber(r.params, 'az', -60),
    el: getNumber(r.params, 'el', 30),
  };
  const text = (id: string, value: string) =>
    h('input', { id, type: 'text', value, spellcheck: 'false', autocomplete: 'off' });
  const objective = text('objective', state.f);
  const box = text('box', state.box);
  const style = h(
    'select',
    { id: 'style' },
    ...Object.entries(STYLES).map(([v, label]) => h('option', { value: v, selected: v === state.style }, label)),
  );
  const examples = h(
    'select',
    { id: 'examples' },
    h('option', { value: '' }, 'examples…'),
    ...EXAMPLES.map((e, i) => h('option', { value: String(i) }, e.f)),
  );
  const az = h('input', { id: 'azimuth', type: 'range', min: -180, max: 180, step: 5, value: state.az });
  const el = h('input', { id: 'elevation', type: 'range', min: 0, max: 90, step: 5, value: state.el });
  const rotate = h(
    'div',
    { class: 'controls', id: 'rotate', hidden: true },
    field('azimuth', az),
    field('elevation', el),
  );
  const error = h('pre', { class: 'error', id: 'error', role: 'alert' });
  const figure = h('div', { class: 'figure', id: 'figure' });
  const hover = h('p', { class: 'status', id: 'hover', 'aria-live': 'polite' });
  const summary = h('p', { id: 'summary' });
  const extrema = h('ul', { id: 'extrema', class: 'extrema' });
  const regions = h('ul', { id: 'regions', class: 'regions' });
  const table = h('table', { id: 'points' });
  const form = h(
    'form',
    { id: 'landscape-form' },
    field('objective f', objective),
    field('box', box),
    field('view (2 variables)', style),
    field('load an example', examples),
    h('button', { type: 'submit' }, 'Analyse'),
  );
  app.replaceChildren(
    h('h1', {}, 'Landscape explorer'),
    form,
    error,
    h(
      'div',
      { class: 'layout' },
      h('div', { class: 'figure' }, figure, rotate, hover),
      h('div', { class: 'side' }, summary, extrema, regions, table),
    ),
  );

  let current: LandscapeResponse | null = null;
  let seq = 0;
  // An analysis runs on a worker of its own, so that a new one (or leaving the page) can stop it: a
  // search that takes long would otherwise hold up the shared worker every page draws with.
  let analysis: Job<'landscape'> | null = null;
  const render = async (analyzeToo = true) => {
    const my = ++seq;
    state.f = objective.value;
    state.box = box.value;
    state.style = style.value;
    state.az = Number(az.value);
    state.el = Number(el.value);
    const surface = state.style === 'surface';
    save('landscape', {
      f: state.f,
      box: state.box,
      style: state.style,
      az: surface ? state.az : undefined,
      el: surface ? state.el : undefined,
    });
    error.textContent = '';
    // A new view before the first analysis has answered replaces it, so it analyses too.
    const request: LandscapeRequest = {
      f: state.f,
      box: state.box,
      style: state.style as 'contour',
      azimuth: state.az,
      elevation: state.el,
      analyze: analyzeToo || !current,
    };
    if (request.analyze) summary.textContent = 'Analysing…';
    try {
      let res: LandscapeResponse;
      if (request.analyze) {
        analysis?.stop();
        const job = (analysis = life.job(lab.job('landscape', request)));
        res = await job.done;
      } else {
        res = await lab.call('landscape', request);
      }
      if (my !== seq || life.gone) return;
      if (!request.analyze && current) res.report = current.report;
      current = res;
      const svg = showSvg(figure, res.svg);
      svg.setAttribute('aria-label', `${state.f} on ${state.box}`);
      rotate.hidden = res.style !== 'surface';
      if (request.analyze) showReport(res);
    } catch (err) {
      if (my !== seq || life.gone) return;
      const message = err instanceof Error ? err.message : String(err);
      const d = err instanceof WorkerFailure ? err.detail : { message };
      error.textContent = `${d.message}${d.pointer ? `\n${d.pointer}` : ''}`;
      summary.textContent = '';
      extrema.replaceChildren();
      regions.replaceChildren();
      table.replaceChildren();
      figure.replaceChildren();
    }
  };
  const showReport = (res: LandscapeResponse) => {
    const rep = res.report!;
    const n = rep.stationaryPoints.length;
    const search = rep.complete ? ' — all of them (the search is complete)' : ' found; the search is incomplete';
    const where = rep.globalMinimum.onBoundary ? ' (on the boundary)' : '';
    const proved = rep.globalMinimum.certified ? '' : ' (not certified)';
    summary.textContent =
      `${n} stationary point${n === 1 ? '' : 's'}${search}; ` +
      `global minimum ${fmt(rep.globalMinimum.value)}${where}${proved}; ${rep.convexity.verdict ?? ''}`;
    const at = (point: Record<string, number>) => res.variables.map((v) => `${v} = ${fmt(point[v])}`).join(', ');
    // An uncertified extremum says why: f may be lower (higher) elsewhere in the box, at a pole or a kink.
    const extremum = (name: string, e: ReportExtremum) =>
      h(
        'li',
        { class: e.certified ? 'certified' : 'uncertified' },
        `global ${name} ${fmt(e.value)} at ${at(e.point)}${e.onBoundary ? ' (on the boundary)' : ''}: ` +
          (e.certified ? 'certified' : `not certified: ${e.reason ?? 'no bound proved'}`),
      );
    extrema.replaceChildren(extremum('minimum', rep.globalMinimum), extremum('maximum', rep.globalMaximum));
    const range = (u: ReportRegion) =>
      u.box.map((x, i) => `${res.variables[i]} ∈ [${fmt(x.lo)}, ${fmt(x.hi)}]`).join(', ');
    const shown = rep.unresolved.slice(0, MAX_REGIONS_SHOWN);
    const more = rep.unresolved.length - shown.length;
    regions.replaceChildren(
      ...shown.map((u) =>
        h(
          'li',
          { class: `region region-${u.kind}` },
          h('strong', {}, u.kind),
          ` (${u.boxes} box${u.boxes === 1 ? '' : 'es'}, ${range(u)}): ${u.reason}`,
        ),
      ),
      ...(more > 0 ? [h('li', {}, `and ${more} more unresolved region${more === 1 ? '' : 's'}`)] : []),
    );
    table.replaceChildren(
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ...['point', 'f', 'kind', 'Hessian eigenvalues', 'certified'].map((t) => h('th', { scope: 'col' }, t)),
        ),
      ),
      h(
        'tbody',
        {},
        ...rep.stationaryPoints.map((p) =>
          h(
            'tr',
            { class: 'point-row' },
            h('td', {}, res.variables.map((v) => `${v} = ${fmt(p.point[v])}`).join(', ')),
            h('td', {}, fmt(p.value)),
            h('td', { class: `kind-${p.kind}` }, p.kind + (p.test === 'higher-order' ? ' (higher-order test)' : '')),
            h('td', {}, p.eigenvalues.map((e) => fmt(e, 4)).join(', ')),
            h('td', {}, p.certified ? 'yes' : 'no'),
          ),
        ),
      ),
    );
  };
  let hoverSeq = 0;
  figure.addEventListener('mousemove', async (e) => {
    const svg = figure.querySelector('svg');
    if (!svg || !current || current.style === 'surface') return;
    const p = toData(svg, e);
    if (!p) return;
    const at = current.variables.length === 1 ? [p[0]] : p;
    const my = ++hoverSeq;
    try {
      const r = await lab.call('point', { f: state.f, at });
      if (my !== hoverSeq) return;
      const gradient = r.gradient.map((g) => fmt(g, 4)).join(', ');
      hover.textContent = `f(${at.map((v) => fmt(v, 4)).join(', ')}) = ${fmt(r.value)};  ∇f = (${gradient})`;
    } catch {
      hover.textContent = '';
    }
  });
  // Drag on the wireframe to rotate it.
  let drag: { x: number; y: number; az: number; el: number } | null = null;
  figure.addEventListener('pointerdown', (e) => {
    if (current?.style !== 'surface') return;
    drag = { x: e.clientX, y: e.clientY, az: Number(az.value), el: Number(el.value) };
    figure.setPointerCapture(e.pointerId);
  });
  figure.addEventListener('pointermove', (e) => {
    if (!drag) return;
    az.value = String(Math.round(drag.az + (e.clientX - drag.x) / 2));
    el.value = String(Math.max(0, Math.min(90, Math.round(drag.el + (e.clientY - drag.y) / 3))));
    void render(false);
  });
  figure.addEventListener('pointerup', () => (drag = null));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void render(true);
  });
  style.addEventListener('change', () => void render(false));
  az.addEventListener('input', () => void render(false));
  el.addEventListener('input', () => void render(false));
  examples.addEventListener('change', () => {
    const ex = EXAMPLES[Number(examples.value)];
    if (!ex) return;
    objective.value = ex.f;
    box.value = ex.box;
    examples.value = '';
    void render(true);
  });
  void render(true);
  return life.dispose;
}
