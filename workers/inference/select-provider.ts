/**
 * Execution provider choice: CUDA when onnxruntime-node's CUDA provider libraries were installed
 * (the GPU worker image does that at `npm ci`), else CPU. The choice is returned so the run
 * manifest can record which provider produced a mask.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';

export type ExecutionProvider = 'cuda' | 'cpu';

export interface ProviderChoice {
  provider: ExecutionProvider;
  /** why CUDA was not used, when it was not */
  reason?: string;
}

/**
 * The CUDA provider ships outside the npm tarball; its absence is the common, quiet case. Inside the
 * Next.js server bundle (registration's checks run in the app) webpack turns this resolve into a
 * module id, a number: there is no package path to look in, and the app's checks run on CPU.
 */
export function cudaProviderLibraryPath(): string | null {
  const resolved: unknown = createRequire(import.meta.url).resolve('onnxruntime-node/package.json');
  if (typeof resolved !== 'string') return null;
  return join(dirname(resolved), 'bin', 'napi-v6', `${process.platform}`, process.arch, 'libonnxruntime_providers_cuda.so');
}

/**
 * Creates a session on CUDA when possible. Checking the library first avoids onnxruntime's loud
 * load error on every CPU machine; trying it then catches a present library without a usable GPU
 * or driver, in which case the session is created on CPU instead.
 */
export async function createSessionOnBestProvider(
  model: Uint8Array,
  options: { threads: number; allowCuda?: boolean },
): Promise<{ session: ort.InferenceSession } & ProviderChoice> {
  const base: ort.InferenceSession.SessionOptions = {
    intraOpNumThreads: options.threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  };
  let reason: string | undefined;
  if (options.allowCuda === false) reason = 'CUDA disabled by the caller';
  else if (!existsSync(cudaProviderLibraryPath() ?? '')) reason = 'onnxruntime-node CUDA provider library not installed';
  else {
    try {
      // 'cpu' second: nodes the CUDA provider does not implement fall back to CPU inside one session
      const session = await ort.InferenceSession.create(model, { ...base, executionProviders: ['cuda', 'cpu'] });
      return { session, provider: 'cuda' };
    } catch (err) {
      reason = `CUDA provider failed to start: ${(err as Error).message.split('\n')[0]}`;
    }
  }
  const session = await ort.InferenceSession.create(model, { ...base, executionProviders: ['cpu'] });
  return { session, provider: 'cpu', reason };
}
