# syntax=docker/dockerfile:1

FROM node:20-bookworm-slim AS build
# better-sqlite3 compiles its native addon from source when no prebuilt binary matches the platform.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build \
 && npm prune --omit=dev

# Same base as the build stage, so the native addon built there matches this glibc and Node ABI.
FROM node:20-bookworm-slim
# Production refuses to start without API_TOKENS: development mode would print working tokens into the
# container's output, which `docker logs` keeps and log shippers send on, to a server listening on every address.
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The bundled annex that SEED_DOCUMENT imports by default.
COPY examples ./examples
# Created here so that a fresh named volume mounted on /data inherits the owner.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
CMD ["node", "dist/src/main.js"]
