# Two images from one build:
#   docker build .                  -> the gateway (the default, last stage): what runs in production
#   docker build --target sandbox . -> the sandbox vendors, for trying the gateway out and for tests
# The gateway image holds no sandbox code and no sandbox TLS material (its private key is public on
# purpose and must never sit in a production image).
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:24-bookworm-slim AS sandbox
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist/apps/sandbox ./dist/apps/sandbox
COPY apps/sandbox/tls ./apps/sandbox/tls
USER node
EXPOSE 4010 4020
CMD ["node", "dist/apps/sandbox/main.js"]

FROM node:24-bookworm-slim AS gateway
ENV NODE_ENV=production PORT=3000
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist/apps/gateway ./dist/apps/gateway
COPY config ./config
USER node
EXPOSE 3000
# The same node flags as `npm run start:prod` (see bench/README.md, Overhead): a 16 MB young generation
# (twice V8's default start, half of what it grows to under load: the same CPU per request, 15-30 MB
# less resident), and a 192 MB old space makes V8 collect the garbage that is promoted long before it
# would on its own (the live heap is about 50 MB). Raise --max-old-space-size if the gateway ever logs
# a heap out of memory.
CMD ["node", "--max-semi-space-size=16", "--max-old-space-size=192", "dist/apps/gateway/apps/gateway/src/main.js"]
