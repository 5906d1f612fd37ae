import type { NextConfig } from 'next';

// Next.js's anonymous telemetry stays off unless the operator sets the variable themselves (read by
// `next build` and the server after this file is loaded).
process.env.NEXT_TELEMETRY_DISABLED ??= '1';

const nextConfig: NextConfig = {
  // `.next/standalone`: the server and only the node_modules files it uses, for `npm start` and the
  // container image (scripts/build.mjs copies the static assets in; see docs/self-hosting.md).
  output: 'standalone',
  // PGlite loads its WASM and data files from its own package folder at run time.
  serverExternalPackages: ['@electric-sql/pglite'],
  // Read from disk at run time, where tracing cannot see them: the migrations, PGlite's WASM, its
  // data bundle and the one extension the migrations create.
  outputFileTracingIncludes: {
    '/**': [
      './drizzle/**/*',
      './node_modules/@electric-sql/pglite/dist/*.{wasm,data}',
      './node_modules/@electric-sql/pglite/dist/pg_trgm.tar.gz',
    ],
  },
  poweredByHeader: false,
};

export default nextConfig;
