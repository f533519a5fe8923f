#!/usr/bin/env node
// The `segflow` command: loads cli/index.ts through tsx's loader in this same process, so the CLI
// shares lib/ with the app and workers, and signals (Ctrl-C, SIGTERM from a supervisor) reach it
// directly instead of an intermediate process.
import { register } from 'tsx/esm/api';

register();
await import(new URL('../cli/index.ts', import.meta.url).href);
