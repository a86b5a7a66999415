// Worker thread: compares windows of canvas rows for compareImageSources (compareOnWorkers). Each
// comparison starts with `start` (the options and the shared picture), sends its windows, and ends
// with `finish`, which answers the region cells; every window answers its counts.
import { parentPort } from 'node:worker_threads';
import { serve } from '../../../plumbing/workerPool.js';
import {
  ImageComparer,
  type ComparerOptions,
  type SharedPicture,
  type Window,
  type WindowStats,
} from './imageComparer.js';
import type { CellData } from './regions.js';

export type CompareRequest =
  | { readonly op: 'start'; readonly options: ComparerOptions; readonly shared: SharedPicture }
  | { readonly op: 'window'; readonly window: Window }
  | { readonly op: 'finish' };

export type CompareReply = WindowStats | CellData | null;

let cmp: ImageComparer | null = null;

serve<CompareRequest, CompareReply>(
  parentPort!,
  async (req) => {
    if (req.op === 'start') {
      cmp = new ImageComparer(req.options, req.shared);
      return null;
    }
    if (!cmp) throw new Error('no comparison started');
    if (req.op === 'window') return cmp.push(req.window);
    const cells = cmp.cellData();
    cmp = null;
    return cells;
  },
  (e) => ({ message: (e as Error).message ?? String(e) }),
);
