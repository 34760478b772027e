# syntax=docker/dockerfile:1
# Production image: the built server and console, production dependencies only (npm ci --omit=dev), no
# compiler, no tests or benchmarks. `docker compose up` runs it (docker-compose.yml); commands: README "Docker".
FROM node:20-bookworm-slim AS build
WORKDIR /app
# The workspace packages' manifests come first, so npm ci links them (node_modules/@partnerpay/* -> packages/*).
COPY package.json package-lock.json ./
COPY packages/wxpay/package.json ./packages/wxpay/
COPY packages/wxpay-simulator/package.json ./packages/wxpay-simulator/
# Every dependency ships prebuilt (libsql included): no compiler, no install scripts.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY packages ./packages
COPY scripts ./scripts
COPY src ./src
COPY console ./console
# tsconfig also includes test/ and bench/, which .dockerignore keeps out: only src/ and packages/*/src are compiled
# (tsc -b: the packages first, each into its own dist/, then the server into dist/).
RUN npm run build

FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/wxpay/package.json ./packages/wxpay/
COPY packages/wxpay-simulator/package.json ./packages/wxpay-simulator/
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/console/dist ./console/dist
# The workspace packages as node_modules/@partnerpay/* links to them expect: manifest and build.
COPY --from=build /app/packages/wxpay/package.json ./packages/wxpay/
COPY --from=build /app/packages/wxpay/dist/src ./packages/wxpay/dist/src
COPY --from=build /app/packages/wxpay-simulator/package.json ./packages/wxpay-simulator/
COPY --from=build /app/packages/wxpay-simulator/dist/src ./packages/wxpay-simulator/dist/src
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
CMD ["node", "dist/src/app/main.js"]
