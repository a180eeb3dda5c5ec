# The operator image: compiled JavaScript on the current Node LTS, production
# dependencies only, running as a non-root user. `mcp-operator run` is the
# entrypoint; the install manifests (config/manager) pass its flags.

# 1. Compile the workspace packages and the program (needs the dev dependencies).
FROM node:24-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
COPY packages/kube-core/package.json packages/kube-core/
COPY packages/local-control-plane/package.json packages/local-control-plane/
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY packages/kube-core/ packages/kube-core/
COPY packages/local-control-plane/ packages/local-control-plane/
COPY src/ src/
RUN npm run build

# 2. Production dependencies only; the workspace packages are linked from packages/.
FROM node:24-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/kube-core/package.json packages/kube-core/
COPY packages/local-control-plane/package.json packages/local-control-plane/
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts

# 3. The runtime: no compiler, no npm cache, no sources; uid 65532 (as the pods the operator builds).
FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules/ node_modules/
COPY --from=deps /app/package.json ./
COPY --from=build /src/dist/ dist/
COPY --from=build /src/packages/kube-core/package.json packages/kube-core/
COPY --from=build /src/packages/kube-core/dist/ packages/kube-core/dist/
COPY --from=build /src/packages/local-control-plane/package.json packages/local-control-plane/
COPY --from=build /src/packages/local-control-plane/dist/ packages/local-control-plane/dist/
COPY LICENSE ./
USER 65532:65532
EXPOSE 8080 8081
ENTRYPOINT ["node", "dist/cmd/main.js"]
CMD ["run"]
