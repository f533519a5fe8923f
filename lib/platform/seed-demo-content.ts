import type { Db } from '../db';

/**
 * Demo content for the embedded default: the shipped brain-tissue model registered as live, and a
 * demo study. Filled in as the model registry and ingest land; a no-op until then.
 */
export async function seedDemoContent(_db: Db, _env: NodeJS.ProcessEnv): Promise<void> {}
