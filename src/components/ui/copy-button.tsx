'use client';
import { useState } from 'react';
import { Button } from './button';

/**
 * Copies `text` to the clipboard. Says "Copied" only when the browser took it; when it refused (no
 * clipboard outside a secure context, permission denied) it says so and the text stays on screen to copy.
 */
export function CopyButton({ text }: { text: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  return (
    <Button
      type="button"
      size="sm"
      variant="secondary"
      onClick={async () => {
        try {
          if (!navigator.clipboard) throw new Error('no clipboard');
          await navigator.clipboard.writeText(text);
          setState('copied');
        } catch {
          setState('failed');
        }
      }}
    >
      {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed: select the text' : 'Copy'}
    </Button>
  );
}
