// The lab's kernel thread: a worker of the lab's worker that joins its WASM memory (shared, which needs a
// cross-originally isolated page: scripts/serve-web.mjs sends the headers) and runs half of each large
// kernel it is handed (src/core/kernels/wasm/threads.ts). It never returns from serveGemm.
import { serveGemm, type GemmWorkerInit } from '../../src/index.js';

self.onmessage = (event: MessageEvent<GemmWorkerInit>) => serveGemm(event.data);
