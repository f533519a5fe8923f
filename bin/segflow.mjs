#!/usr/bin/env node
// The `segflow` command: runs the prebuilt bundle of cli/ (bin/build-cli.mjs, in .build/cli/) in
// this same process, so the CLI shares lib/ with the app and workers, and signals (Ctrl-C, SIGTERM
// from a supervisor) reach it directly instead of an intermediate process. The bundle is built
// first, with a line on stderr, when it is missing or older than its sources. SEGFLOW_TSX=1 (in
// development, when asked) runs cli/index.ts through tsx's loader instead, compiling at every start.
import { pathToFileURL } from 'node:url';

// The AWS SDK warns, once per process, that its releases after January 2027 need Node 22; segflow
// runs on Node 20 for now (README, "Node version"), so the notice is switched off with the SDK's own
// setting (@aws-sdk/core emitWarningIfUnsupportedVersion). Every segflow process starts here, and
// the app server and step processes inherit it. Set it to "false" to see the notice again.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

if (process.env.SEGFLOW_TSX === '1') {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('../cli/index.ts', import.meta.url).href);
} else {
  const { ensureCliBuild } = await import('./build-cli.mjs');
  await import(pathToFileURL(await ensureCliBuild()).href);
}
