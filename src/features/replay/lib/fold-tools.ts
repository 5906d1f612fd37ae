import type { UIMessageChunk } from 'ai';
import { type FoldParts, isTool, staticToolName } from './fold-parts';

type Chunk<T extends UIMessageChunk['type']> = Extract<UIMessageChunk, { type: T }>;

// Tool calls: streamed input, approvals, output and errors, each updating the call's part.

function output(fold: FoldParts, c: Chunk<'tool-output-available' | 'tool-output-error'>) {
  const i = fold.findTool(String(c.toolCallId));
  if (i < 0) return;
  const p = fold.s.parts[i]!;
  const dynamic = p.type === 'dynamic-tool';
  fold.updateTool(
    {
      toolCallId: String(c.toolCallId),
      toolName: dynamic ? String(p.toolName) : staticToolName(p),
      state: c.type === 'tool-output-available' ? 'output-available' : 'output-error',
      input: p.input,
      ...(c.type === 'tool-output-available'
        ? { output: c.output, preliminary: c.preliminary }
        : { errorText: c.errorText }),
      ...(c.type === 'tool-output-error' && !dynamic ? { rawInput: p.rawInput } : {}),
      providerExecuted: c.providerExecuted,
      providerMetadata: c.providerMetadata,
      title: p.title,
      toolMetadata: c.toolMetadata ?? p.toolMetadata,
    },
    dynamic,
    i,
  );
}

export const toolHandlers = {
  'tool-input-start': (fold: FoldParts, c: Chunk<'tool-input-start'>) => {
    const id = String(c.toolCallId);
    fold.setCall(id, {
      text: '',
      inputEncoding: c.inputEncoding,
      toolName: String(c.toolName),
      dynamic: c.dynamic,
      title: c.title,
      toolMetadata: c.toolMetadata,
    });
    fold.updateTool(
      {
        toolCallId: id,
        toolName: String(c.toolName),
        state: 'input-streaming',
        inputEncoding: c.inputEncoding,
        input: undefined,
        providerExecuted: c.providerExecuted,
        title: c.title,
        toolMetadata: c.toolMetadata,
        providerMetadata: c.providerMetadata,
      },
      !!c.dynamic,
    );
  },
  'tool-input-delta': (fold: FoldParts, c: Chunk<'tool-input-delta'>) => {
    const s = fold.s;
    const id = String(c.toolCallId);
    const prev = s.partialCalls[id];
    if (!prev) return;
    const call = { ...prev, text: prev.text + String(c.inputTextDelta ?? '') };
    fold.setCall(id, call);
    const i = fold.updateTool(
      {
        toolCallId: id,
        toolName: call.toolName,
        state: 'input-streaming',
        inputEncoding: call.inputEncoding,
        input: undefined,
        rawInput: call.text,
        title: call.title,
        toolMetadata: call.toolMetadata,
      },
      !!call.dynamic,
    );
    // Parsing the partial JSON on every delta would be quadratic in the input's length.
    if (!s.staleInput.includes(i)) s.staleInput.push(i);
  },
  'tool-input-available': (fold: FoldParts, c: Chunk<'tool-input-available'>) => {
    fold.updateTool(
      {
        toolCallId: String(c.toolCallId),
        toolName: String(c.toolName),
        state: 'input-available',
        input: c.input,
        providerExecuted: c.providerExecuted,
        providerMetadata: c.providerMetadata,
        title: c.title,
        toolMetadata: c.toolMetadata,
      },
      !!c.dynamic,
    );
  },
  'tool-input-error': (fold: FoldParts, c: Chunk<'tool-input-error'>) => {
    const id = String(c.toolCallId);
    const i = fold.findInStep((p) => isTool(p) && p.toolCallId === id);
    const dynamic = i >= 0 ? fold.s.parts[i]!.type === 'dynamic-tool' : !!c.dynamic;
    fold.updateTool(
      {
        toolCallId: id,
        toolName: String(c.toolName),
        state: 'output-error',
        input: c.input,
        errorText: c.errorText,
        providerExecuted: c.providerExecuted,
        providerMetadata: c.providerMetadata,
        toolMetadata: c.toolMetadata,
      },
      dynamic,
    );
  },
  'tool-approval-request': (fold: FoldParts, c: Chunk<'tool-approval-request'>) => {
    const i = fold.findTool(String(c.toolCallId));
    if (i < 0) return;
    fold.set(i, {
      ...fold.s.parts[i]!,
      state: 'approval-requested',
      approval: {
        id: c.approvalId,
        ...(c.approvalDescriptor != null ? { descriptor: c.approvalDescriptor } : {}),
        ...(Object.hasOwn(c, 'inputSchemaInput') ? { inputSchemaInput: c.inputSchemaInput } : {}),
        ...(c.reason != null ? { requestReason: c.reason } : {}),
        ...(c.isAutomatic === true ? { isAutomatic: true } : {}),
        ...(c.signature != null ? { signature: c.signature } : {}),
      },
    });
  },
  // The user's answer adds nothing to the message: the tool's output or denial follows as its own chunk.
  'tool-approval-response': () => {},
  'tool-output-denied': (fold: FoldParts, c: Chunk<'tool-output-denied'>) => {
    const i = fold.findTool(String(c.toolCallId));
    if (i >= 0) fold.set(i, { ...fold.s.parts[i]!, state: 'output-denied' });
  },
  'tool-output-available': output,
  'tool-output-error': output,
};
