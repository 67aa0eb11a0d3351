/**
 * The workflow as a graph (React Flow): a node per step, an edge per need (dashed when it comes
 * from the order, not from `needs`). Editable in the editor — connect by dragging from a step's
 * right handle to another's left one, delete with Delete/Backspace, drag to arrange — and
 * read-only on a run's page, coloured by step state. Positions the user dragged are kept per
 * workflow (in localStorage), everything else is laid out by depth.
 */
import {
  applyEdgeChanges,
  applyNodeChanges,
  Background,
  type Connection,
  Controls,
  type Edge,
  type EdgeChange,
  MarkerType,
  type NodeChange,
  ReactFlow,
  type ReactFlowInstance,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { layout, type StepView } from '../editor/workflow-model';
import { type StepFlowNode, StepNode } from './step-node';

const NODE_TYPES = { step: StepNode };
/** Above this many steps the view opens at a readable zoom on the middle, not shrunk to fit them all. */
const FIT_ALL_UP_TO = 60;

export interface GraphViewProps {
  steps: StepView[];
  /** Dragged positions by step id. */
  positions: Record<string, { x: number; y: number }>;
  onPositions?(positions: Record<string, { x: number; y: number }>): void;
  problemsByStep?: ReadonlyMap<string, number>;
  statusByStep?: ReadonlyMap<string, { status: string; attempt: number }>;
  selected: string | null;
  onSelect(id: string | null): void;
  editable: boolean;
  onConnect?(source: string, target: string): void;
  onDisconnect?(pairs: { source: string; target: string }[]): void;
  onDelete?(ids: string[]): void;
  /** Called once the first render is on screen (the bench measures it). */
  onReady?(): void;
  label: string;
}

export function GraphView(props: GraphViewProps) {
  const { steps, positions, problemsByStep, statusByStep, selected, editable } = props;
  const auto = useMemo(() => layout(steps), [steps]);
  const big = steps.length > FIT_ALL_UP_TO;
  const fitOptions = useMemo(() => ({ padding: 0.2, maxZoom: 1.2, ...(big ? { minZoom: 0.6 } : {}) }), [big]);
  const built = useMemo<StepFlowNode[]>(
    () =>
      steps.map((step) => {
        const state = statusByStep?.get(step.id);
        return {
          id: step.id,
          type: 'step',
          position: positions[step.id] ?? auto.get(step.id) ?? { x: 0, y: 0 },
          selected: step.id === selected,
          ariaLabel: `Step ${step.id}${step.uses ? `, ${step.uses}` : ''}${state ? `, ${state.status}` : ''}`,
          data: {
            id: step.id,
            uses: step.uses,
            groupSize: step.groupSize,
            hasIf: step.hasIf,
            problems: problemsByStep?.get(step.id) ?? 0,
            status: state?.status ?? null,
            attempt: state?.attempt ?? null,
          },
        };
      }),
    [steps, positions, auto, problemsByStep, statusByStep, selected],
  );
  const builtEdges = useMemo<Edge[]>(() => {
    const ids = new Set(steps.map((s) => s.id));
    return steps.flatMap((step) =>
      step.needs
        .filter((need) => ids.has(need))
        .map((need) => ({
          id: `${need}->${step.id}`,
          source: need,
          target: step.id,
          ariaLabel: `${need} to ${step.id}`,
          markerEnd: { type: MarkerType.ArrowClosed },
          className: step.explicitNeeds ? 'edge-explicit' : 'edge-implicit',
          animated: statusByStep?.get(step.id)?.status === 'running',
        })),
    );
  }, [steps, statusByStep]);

  const [nodes, setNodes] = useState<StepFlowNode[]>(built);
  const [edges, setEdges] = useState<Edge[]>(builtEdges);
  // Rebuilt nodes keep the size React Flow measured: a node without one is hidden until measured
  // again, and a live status update racing that measurement left run-page steps hidden for good.
  useEffect(
    () =>
      setNodes((current) => {
        const measured = new Map(current.map((node) => [node.id, node.measured]));
        return built.map((node) => {
          const size = measured.get(node.id);
          return size === undefined ? node : { ...node, measured: size };
        });
      }),
    [built],
  );
  useEffect(() => setEdges(builtEdges), [builtEdges]);

  const onNodesChange = useCallback((changes: NodeChange<StepFlowNode>[]) => {
    setNodes((current) =>
      applyNodeChanges(
        changes.filter((c) => c.type !== 'remove'),
        current,
      ),
    );
  }, []);
  const onEdgesChange = useCallback((changes: EdgeChange[]) => {
    setEdges((current) =>
      applyEdgeChanges(
        changes.filter((c) => c.type !== 'remove'),
        current,
      ),
    );
  }, []);

  const positionsRef = useRef(positions);
  positionsRef.current = positions;
  const { onPositions, onSelect, onConnect, onDisconnect, onDelete, onReady } = props;
  const onNodeDragStop = useCallback(
    (_event: unknown, _node: StepFlowNode, dragged: StepFlowNode[]) => {
      const next = { ...positionsRef.current };
      for (const node of dragged) next[node.id] = { x: Math.round(node.position.x), y: Math.round(node.position.y) };
      onPositions?.(next);
    },
    [onPositions],
  );
  const onSelectionChange = useCallback(
    ({ nodes: picked }: { nodes: StepFlowNode[] }) => {
      const id = picked.length === 1 ? (picked[0]?.id ?? null) : null;
      if (id !== null) onSelect(id);
    },
    [onSelect],
  );
  const connect = useCallback(
    (connection: Connection) => {
      if (connection.source && connection.target) onConnect?.(connection.source, connection.target);
    },
    [onConnect],
  );
  const remove = useCallback(
    ({ nodes: goneNodes, edges: goneEdges }: { nodes: StepFlowNode[]; edges: Edge[] }) => {
      const gone = new Set(goneNodes.map((n) => n.id));
      const pairs = goneEdges
        .filter((e) => !gone.has(e.source) && !gone.has(e.target))
        .map((e) => ({ source: e.source, target: e.target }));
      if (pairs.length > 0) onDisconnect?.(pairs);
      if (gone.size > 0) onDelete?.([...gone]);
    },
    [onDisconnect, onDelete],
  );
  const flow = useRef<ReactFlowInstance<StepFlowNode> | null>(null);
  const init = useCallback(
    (instance: ReactFlowInstance<StepFlowNode>) => {
      flow.current = instance;
      requestAnimationFrame(() => onReady?.());
    },
    [onReady],
  );
  // A step added or removed: frame the whole graph again (not on drags or edits inside a step).
  const count = steps.length;
  const seen = useRef(count);
  useEffect(() => {
    if (seen.current === count) return;
    seen.current = count;
    requestAnimationFrame(() => void flow.current?.fitView({ ...fitOptions, duration: 0 }));
  }, [count, fitOptions]);

  return (
    <section className="graph" aria-label={props.label}>
      <ReactFlow<StepFlowNode>
        nodes={nodes}
        edges={edges}
        nodeTypes={NODE_TYPES}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onNodeDragStop={onNodeDragStop}
        onSelectionChange={onSelectionChange}
        onPaneClick={() => onSelect(null)}
        onConnect={connect}
        onDelete={remove}
        onInit={init}
        nodesDraggable
        nodesConnectable={editable}
        edgesFocusable={editable}
        deleteKeyCode={editable ? ['Delete', 'Backspace'] : null}
        onlyRenderVisibleElements={steps.length > 150}
        fitView
        fitViewOptions={fitOptions}
        minZoom={0.05}
        proOptions={{ hideAttribution: true }}
      >
        <Background gap={20} />
        <Controls showInteractive={false} />
      </ReactFlow>
    </section>
  );
}
