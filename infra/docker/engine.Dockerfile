# The one-process engine. Build from the repository root:
#   docker build -f infra/docker/engine.Dockerfile -t journey-engine .
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# The lock file installs the benchmark's peers from this tarball (a dev dependency, pruned below).
COPY test/bench/peers/journey-bench-peers-1.0.0.tgz ./test/bench/peers/
RUN npm ci --no-audit --no-fund
COPY . .
# The build compiles the engine and the console (dist/console), which the engine serves at /app/.
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/infra/sql ./infra/sql
COPY --from=build /app/package.json ./
USER node
EXPOSE 3000
CMD ["node", "dist/services/engine/src/main.js"]
