/** One step on the canvas: its id and node type, its state in a run, and how many problems it has. */
import { Handle, type Node, type NodeProps, Position } from '@xyflow/react';
import { memo } from 'react';

export interface StepNodeData extends Record<string, unknown> {
  id: string;
  uses: string | null;
  groupSize: number | null;
  hasIf: boolean;
  problems: number;
  status: string | null;
  attempt: number | null;
}

export type StepFlowNode = Node<StepNodeData, 'step'>;

function StepNodeView({ data, selected }: NodeProps<StepFlowNode>) {
  return (
    <div
      className="step-node"
      data-status={data.status ?? undefined}
      data-invalid={data.problems > 0 ? 'true' : undefined}
      data-selected={selected ? 'true' : undefined}
    >
      <Handle type="target" position={Position.Left} />
      <div className="step-node-id">{data.id}</div>
      <div className="step-node-uses">
        {data.groupSize !== null ? `group of ${data.groupSize}` : (data.uses ?? 'no node type')}
      </div>
      <div className="step-node-tags">
        {data.hasIf && <span className="tag">if</span>}
        {data.status && <span className="tag step-status">{data.status}</span>}
        {data.attempt !== null && data.attempt > 1 && <span className="tag">attempt {data.attempt}</span>}
        {data.problems > 0 && (
          <span className="tag invalid">
            {data.problems} problem{data.problems === 1 ? '' : 's'}
          </span>
        )}
      </div>
      <Handle type="source" position={Position.Right} />
    </div>
  );
}

export const StepNode = memo(StepNodeView);
