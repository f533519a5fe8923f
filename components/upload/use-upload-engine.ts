'use client';
import { useSyncExternalStore } from 'react';
import type { EngineSnapshot, UploadEngine } from '@/lib/uploads/client/upload-engine';

/** The engine's state as React sees it; the engine itself lives outside React. */
export function useUploadEngine(engine: UploadEngine): EngineSnapshot {
  return useSyncExternalStore(engine.subscribe, engine.getSnapshot, engine.getSnapshot);
}
