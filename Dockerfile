# syntax=docker/dockerfile:1
# Production image: the built server and console, production dependencies only (npm ci --omit=dev), no
# compiler, no tests or benchmarks. `docker compose up` runs it (docker-compose.yml); commands: README "Docker".
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Every dependency ships prebuilt (libsql included): no compiler, no install scripts.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY scripts ./scripts
COPY src ./src
COPY console ./console
# tsconfig also includes test/ and bench/, which .dockerignore keeps out: only src/ is compiled.
RUN npm run build

FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/console/dist ./console/dist
COPY package.json ./
COPY scripts ./scripts
COPY config ./config
# The demo's example tenants; a production deployment mounts its own folder here (docker-compose.yml).
COPY tenants ./tenants
# data/: the demo profile's SQLite file and simulator keys (a volume in the compose demo); writable by the app's user.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s CMD node -e "require('http').get('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz',r=>process.exit(r.statusCode===200?0:1)).on('error',()=>process.exit(1))"
CMD ["node", "dist/src/main.js"]
