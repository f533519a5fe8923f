# segflow app image: the web app (`next start`), the executor (`segflow executor`) and the migration
# Job (`segflow migrate`) of deploy/k8s/ all run this image, as uid 10001 on a read-only root
# filesystem (writable: the /tmp and .next/cache emptyDirs the manifests mount).
# Build from the repository root, where the npm registry can be reached:
#   docker build -t segflow-app:dev .
# The pipeline steps run the worker image instead (workers/Dockerfile, deploy/worker-image.md).
ARG NODE_IMAGE=node:20.20.2-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
# .npmrc runs no dependency's install script: onnxruntime-node's CPU provider is in the package, and
# the app image runs no inference (steps do, in the worker image).
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && rm -rf .next/cache

FROM ${NODE_IMAGE}
WORKDIR /app
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1
COPY --from=build /app /app
RUN useradd --system --uid 10001 --home-dir /app segflow \
 && rm -rf fixtures e2e test .git \
 && mkdir -p .next/cache && chown -R 10001 .next/cache
USER 10001
EXPOSE 3000
CMD ["node", "node_modules/next/dist/bin/next", "start", "-p", "3000"]
