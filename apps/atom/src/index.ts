export { main } from './cli.js';
export { openRuntime, type Runtime } from './runtime/open-runtime.js';
