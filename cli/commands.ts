import type { Command } from 'commander';
import { register as admin } from './commands/admin';
import { register as audit } from './commands/audit';
import { register as convert } from './commands/convert';
import { register as deidentify } from './commands/deidentify';
import { register as executor } from './commands/executor';
import { register as infer } from './commands/infer';
import { register as manifestVerify } from './commands/manifest-verify';
import { register as migrate } from './commands/migrate';
import { register as models } from './commands/models';
import { register as rollout } from './commands/rollout';
import { register as references } from './commands/references';
import { register as run } from './commands/run';
import { register as runsControl } from './commands/runs';
import { register as seed } from './commands/seed';
import { register as seg } from './commands/seg';
import { register as start } from './commands/start';
import { register as step } from './commands/step';
import { register as stepWorker } from './commands/step-worker';
import { register as upload } from './commands/upload';

type Register = (program: Command) => void;

// Each subcommand lives in cli/commands/<name>.ts. Add one line here per subcommand.
export const commands: Register[] = [
  start,
  executor,
  migrate,
  seed,
  audit,
  deidentify,
  infer,
  convert,
  seg,
  upload,
  references,
  manifestVerify,
  step,
  stepWorker,
  run,
  runsControl,
  models,
  rollout,
  admin,
];
