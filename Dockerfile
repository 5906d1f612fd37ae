# syntax=docker/dockerfile:1
# runledger's container image, after the Next.js standalone example (github.com/vercel/next.js,
# examples/with-docker): build in one stage, run the standalone server as a non-root user in another.
#   docker build -t runledger .
#   docker run -p 3000:3000 -v runledger-data:/app/data runledger        (embedded PGlite in /app/data)
#   docker compose up                                                     (with Postgres: compose.yaml)

FROM node:24-alpine AS base

FROM base AS builder
# Some native packages expect glibc symbols (the Next.js example adds the same).
RUN apk add --no-cache libc6-compat
WORKDIR /app
COPY . .
RUN npm ci --no-audit --no-fund
ENV NEXT_TELEMETRY_DISABLED=1
# `next build` opens no database: no DATABASE_URL or data folder is needed here.
RUN npm run build

FROM base AS runner
WORKDIR /app
ENV NODE_ENV=production
ENV NEXT_TELEMETRY_DISABLED=1
RUN addgroup --system --gid 1001 nodejs \
  && adduser --system --uid 1001 nextjs \
  && mkdir -p /app/data \
  && chown nextjs:nodejs /app/data
COPY --from=builder /app/public ./public
# The standalone output: server.js, the traced node_modules, the migrations (drizzle/).
COPY --from=builder --chown=nextjs:nodejs /app/.next/standalone ./
COPY --from=builder --chown=nextjs:nodejs /app/.next/static ./.next/static
USER nextjs
# PGlite's folder when DATABASE_URL is unset; mount a volume here to keep it.
ENV RUNLEDGER_DATA_DIR=/app/data/pglite
VOLUME /app/data
EXPOSE 3000
ENV PORT=3000
# Docker sets HOSTNAME to the container id; the server listens on every interface instead.
ENV HOSTNAME=0.0.0.0
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:3000/api/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Migrations, the owner account (printed once in the log) and the demo project happen at start.
CMD ["node", "server.js"]
