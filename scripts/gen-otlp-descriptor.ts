/**
 * Regenerates src/server/otel/otlp-trace.json (a protobufjs JSON descriptor of both the trace and the logs export
 * services) from the official OTLP .proto files vendored in src/server/otel/proto
 * (open-telemetry/opentelemetry-proto, Apache-2.0).
 * Run: npx tsx scripts/gen-otlp-descriptor.ts
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import protobuf from 'protobufjs';

const dir = path.resolve('src/server/otel/proto');
const root = new protobuf.Root();
root.resolvePath = (_origin, target) => path.join(dir, target);
root.loadSync(
  [
    'opentelemetry/proto/collector/trace/v1/trace_service.proto',
    'opentelemetry/proto/collector/logs/v1/logs_service.proto',
  ],
  { keepCase: false },
);
writeFileSync(
  path.resolve('src/server/otel/otlp-trace.json'),
  `${JSON.stringify(root.toJSON({ keepComments: false }))}\n`,
);
console.log('wrote src/server/otel/otlp-trace.json');
