/**
 * What the validator needs to know about installed node types. The engine's NodeRegistry (or a
 * list of node definitions, through `createNodeCatalog`) provides it.
 */
export interface NodeCatalog {
  has(type: string): boolean;
  /** JSON Schema (draft 2020-12) of the node's `with`; undefined accepts any input. */
  inputSchema(type: string): Record<string, unknown> | undefined;
  /** Top-level `with` keys the node evaluates itself; they are syntax-checked but kept as text. */
  deferredInputs?(type: string): readonly string[];
  /** True for a node that copies its input into what is stored or shown: no `$secrets` in its `with`. */
  copiesInput?(type: string): boolean;
}

/** The parts of a node definition the catalog reads. */
export interface CatalogEntry {
  readonly type: string;
  readonly inputSchema?: Record<string, unknown>;
  readonly deferredInputs?: readonly string[];
  readonly copiesInput?: boolean;
}

/**
 * A catalog over a list of node definitions.
 *
 * @example
 * const catalog = createNodeCatalog([{ type: 'http.request', inputSchema: { type: 'object', required: ['url'] } }]);
 * validateWorkflow(text, { catalog });
 */
export function createNodeCatalog(entries: Iterable<CatalogEntry>): NodeCatalog {
  const byType = new Map<string, CatalogEntry>();
  for (const entry of entries) byType.set(entry.type, entry);
  return {
    has: (type) => byType.has(type),
    inputSchema: (type) => byType.get(type)?.inputSchema,
    deferredInputs: (type) => byType.get(type)?.deferredInputs ?? [],
    copiesInput: (type) => byType.get(type)?.copiesInput === true,
  };
}
