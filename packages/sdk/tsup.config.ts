import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', telemetry: 'src/telemetry.ts', transcript: 'src/transcript.ts' },
  format: ['esm'],
  target: 'node22',
  platform: 'node',
  dts: true,
  clean: true,
  sourcemap: false,
  // `ai` is a peer: the user's own copy is used (types at build time, `readUIMessageStream` at run time).
  external: ['ai'],
});
