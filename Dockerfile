# One image for both apps: the gateway by default, the sandbox with `node dist/apps/sandbox/main.js`.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production PORT=3000
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/package.json ./
COPY config ./config
COPY apps/sandbox/tls ./apps/sandbox/tls
USER node
EXPOSE 3000
CMD ["node", "dist/apps/gateway/apps/gateway/src/main.js"]
