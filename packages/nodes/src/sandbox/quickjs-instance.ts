/**
 * A fresh QuickJS WebAssembly instance per call, with its own linear memory capped at the call's
 * memory limit.
 *
 * Why not one shared module (`getQuickJS()`): in quickjs-emscripten 0.32 `setMemoryLimit` only
 * refuses single allocations larger than the limit; many small ones (an array of strings) grow
 * past it without bound (upstream issue justjake/quickjs-emscripten#271; a 32 MiB limit reached
 * 1 GiB here). A WebAssembly.Memory with a `maximum` is a hard ceiling: malloc fails, QuickJS
 * throws "out of memory", and dropping the instance afterwards returns every byte, whatever the
 * script left behind. The compiled module is cached, so a call costs an instantiation (~3 ms).
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { newQuickJSWASMModuleFromVariant, newVariant, type QuickJSWASMModule, RELEASE_SYNC } from 'quickjs-emscripten';

const PAGE_BYTES = 64 * 1024;
// The module's own static data, C stack and starting heap (its declared initial memory, 16 MiB).
const BASE_PAGES = 256;

// The slice of the WebAssembly global used here: the ES lib this package compiles against does not
// declare it (it comes with the DOM lib).
interface WebAssemblyApi {
  compile(bytes: Uint8Array): Promise<object>;
  Memory: new (descriptor: { initial: number; maximum: number }) => object;
}
const wasm = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

let compiled: Promise<object> | undefined;

function compiledModule(): Promise<object> {
  compiled ??= (async () => {
    // Resolved from quickjs-emscripten itself, which depends on this variant package.
    const fromQuickJS = createRequire(createRequire(import.meta.url).resolve('quickjs-emscripten'));
    const bytes = await readFile(fromQuickJS.resolve('@jitl/quickjs-wasmfile-release-sync/wasm'));
    return wasm.compile(bytes);
  })();
  return compiled;
}

/** A new QuickJS module whose heap can grow by at most `memoryBytes`. */
export async function newSandboxModule(memoryBytes: number): Promise<QuickJSWASMModule> {
  const wasmMemory = new wasm.Memory({
    initial: BASE_PAGES,
    maximum: BASE_PAGES + Math.ceil(memoryBytes / PAGE_BYTES),
  });
  return newQuickJSWASMModuleFromVariant(newVariant(RELEASE_SYNC, { wasmModule: await compiledModule(), wasmMemory }));
}
