export {
  AtomError,
  type AtomErrorOptions,
  type ErrorDetail,
  type ErrorRecord,
  formatDetail,
  toErrorRecord,
} from './atom-error.js';
export { renderErrorsDoc } from './errors-doc.js';
export { ERROR_REGISTRY, type ErrorCode, type ErrorSpec, isErrorCode } from './registry.js';
