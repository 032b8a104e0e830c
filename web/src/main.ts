// The lab's page: a hash router over six pages; every page keeps its state in the URL.
import { Lab } from './client.js';
import { router } from './page.js';
import { chapterPage } from './pages/chapter.js';
import { curvaturePage } from './pages/curvature.js';
import { landscapePage } from './pages/landscape.js';
import { racePage } from './pages/race.js';
import { slicePage } from './pages/slice.js';
import { trainPage } from './pages/train.js';
import { route } from './state.js';

const lab = new Lab();
const app = document.getElementById('app') as HTMLElement;
const mount = router(
  {
    landscape: landscapePage,
    race: racePage,
    chapter: chapterPage,
    train: trainPage,
    curvature: curvaturePage,
    slice: slicePage,
  },
  landscapePage,
  app,
  lab,
);

function show(): void {
  const r = route();
  for (const a of document.querySelectorAll<HTMLElement>('nav a')) {
    if (a.dataset.page === r.page) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  mount(r);
  document.body.dataset.ready = 'true';
}

// Pages rewrite the URL with replaceState as their state changes (no hashchange); a link, a pasted
// URL or the back button fires hashchange, and the page is drawn from the URL again.
window.addEventListener('hashchange', show);
show();
