// The lab's page: a hash router over four pages; every page keeps its state in the URL.
import { Lab } from './client.js';
import { chapterPage } from './pages/chapter.js';
import { landscapePage } from './pages/landscape.js';
import { racePage } from './pages/race.js';
import { trainPage } from './pages/train.js';
import { route } from './state.js';

const lab = new Lab();
const app = document.getElementById('app') as HTMLElement;
const PAGES: Record<string, (app: HTMLElement, lab: Lab, r: ReturnType<typeof route>) => void> = {
  landscape: landscapePage, race: racePage, chapter: chapterPage, train: trainPage,
};
let shown = '';

function show(): void {
  const r = route();
  // Pages rewrite the URL as their state changes; only a different page (or a pasted URL) re-renders.
  const key = `${r.page}/${r.rest}`;
  if (key === shown && document.body.dataset.ready === 'true') return;
  shown = key;
  const page = PAGES[r.page] ?? landscapePage;
  for (const a of document.querySelectorAll('nav a')) a.toggleAttribute('aria-current', (a as HTMLElement).dataset.page === r.page);
  for (const a of document.querySelectorAll('nav a[aria-current]')) a.setAttribute('aria-current', 'page');
  page(app, lab, r);
  document.body.dataset.ready = 'true';
}

window.addEventListener('hashchange', () => {
  shown = '';
  show();
});
show();
