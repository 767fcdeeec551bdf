import type { Runtime } from './options';
import { javaRuntime as java } from './javaRuntime';
import { NON_ROOT_UID, RuntimeProfile } from './runtimeProfile';

export type { RuntimeProfile, WorkflowStep } from './runtimeProfile';

const node: RuntimeProfile = {
  buildImage: 'node:22.12.0-bookworm-slim',
  runtimeImage: 'node:22.12.0-bookworm-slim',
  dockerfile: () => `# syntax=docker/dockerfile:1
# Build stage: production dependencies only.
FROM node:22.12.0-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts
COPY src ./src

# Runtime stage: the same pinned base, as the image's own non-root user (uid 1000 is "node").
FROM node:22.12.0-bookworm-slim
ENV NODE_ENV=production PORT=8080
WORKDIR /app
COPY --from=build --chown=1000:1000 /app ./
USER 1000
EXPOSE 8080
CMD ["node", "src/server.js"]
`,
  dockerignore: ['node_modules', 'coverage', 'npm-debug.log'],
  githubTestSteps: [
    {
      uses: 'actions/setup-node@v4',
      with: { 'node-version': '22', cache: 'npm' },
    },
    { run: 'npm ci' },
    { run: 'npm test' },
  ],
  jenkinsTest: 'npm ci && npm test',
  skeleton: name => ({
    'package.json': `${JSON.stringify(
      {
        name,
        version: '0.0.0',
        private: true,
        scripts: { start: 'node src/server.js', test: 'node --test' },
      },
      null,
      2,
    )}\n`,
    'package-lock.json': `${JSON.stringify(
      {
        name,
        version: '0.0.0',
        lockfileVersion: 3,
        requires: true,
        packages: { '': { name, version: '0.0.0' } },
      },
      null,
      2,
    )}\n`,
    'src/server.js': `const http = require('node:http');

function handler(req, res) {
  if (req.url === '/healthz') {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ service: '${name}' }));
}

if (require.main === module) {
  http.createServer(handler).listen(Number(process.env.PORT ?? 8080));
}

module.exports = { handler };
`,
    'test/server.test.js': `const test = require('node:test');
const assert = require('node:assert');
const http = require('node:http');
const { handler } = require('../src/server');

test('answers the health check', async () => {
  const server = http.createServer(handler).listen(0);
  const { port } = server.address();
  const res = await fetch(\`http://127.0.0.1:\${port}/healthz\`);
  assert.strictEqual(res.status, 200);
  server.close();
});
`,
  }),
};

const go: RuntimeProfile = {
  buildImage: 'golang:1.23.4-bookworm',
  runtimeImage: 'scratch',
  dockerfile: () => `# syntax=docker/dockerfile:1
# Build stage: a static binary, so the runtime image needs nothing else.
FROM golang:1.23.4-bookworm AS build
WORKDIR /src
COPY go.mod ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/service .

# Runtime stage: scratch is empty, so there is no base to pin or patch; CA roots come from the build.
FROM scratch
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/
COPY --from=build /out/service /service
USER ${NON_ROOT_UID}:${NON_ROOT_UID}
EXPOSE 8080
ENTRYPOINT ["/service"]
`,
  dockerignore: ['bin', '*.test', 'coverage.out'],
  githubTestSteps: [
    {
      uses: 'actions/setup-go@v5',
      with: { 'go-version-file': 'go.mod' },
    },
    { run: 'go vet ./...' },
    { run: 'go test ./...' },
  ],
  jenkinsTest: 'go vet ./... && go test ./...',
  skeleton: (name, modulePath) => ({
    'go.mod': `module ${modulePath}\n\ngo 1.23\n`,
    'main.go': `package main

import (
\t"encoding/json"
\t"net/http"
\t"os"
)

func handler() http.Handler {
\tmux := http.NewServeMux()
\tmux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
\t\tw.Write([]byte("ok"))
\t})
\tmux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
\t\tw.Header().Set("Content-Type", "application/json")
\t\tjson.NewEncoder(w).Encode(map[string]string{"service": "${name}"})
\t})
\treturn mux
}

func main() {
\tport := os.Getenv("PORT")
\tif port == "" {
\t\tport = "8080"
\t}
\tif err := http.ListenAndServe(":"+port, handler()); err != nil {
\t\tpanic(err)
\t}
}
`,
    'main_test.go': `package main

import (
\t"net/http"
\t"net/http/httptest"
\t"testing"
)

func TestHealthz(t *testing.T) {
\trec := httptest.NewRecorder()
\thandler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/healthz", nil))
\tif rec.Code != http.StatusOK {
\t\tt.Fatalf("status %d", rec.Code)
\t}
}
`,
  }),
};

const python: RuntimeProfile = {
  buildImage: 'python:3.12.8-slim-bookworm',
  runtimeImage: 'python:3.12.8-slim-bookworm',
  dockerfile: () => `# syntax=docker/dockerfile:1
# Build stage: dependencies into a virtual environment that the runtime stage copies.
FROM python:3.12.8-slim-bookworm AS build
RUN python -m venv /venv
COPY requirements.txt .
RUN /venv/bin/pip install --no-cache-dir -r requirements.txt

# Runtime stage: the same pinned base, no build tools, a numeric non-root user.
FROM python:3.12.8-slim-bookworm
RUN useradd --uid ${NON_ROOT_UID} --no-create-home --shell /usr/sbin/nologin app
ENV PATH=/venv/bin:$PATH PYTHONUNBUFFERED=1 PORT=8080
WORKDIR /app
COPY --from=build /venv /venv
COPY app.py ./
USER ${NON_ROOT_UID}
EXPOSE 8080
CMD ["python", "app.py"]
`,
  dockerignore: ['__pycache__', '*.pyc', '.venv', '.pytest_cache'],
  githubTestSteps: [
    {
      uses: 'actions/setup-python@v5',
      with: { 'python-version': '3.12', cache: 'pip' },
    },
    { run: 'pip install -r requirements.txt' },
    { run: 'python -m unittest discover -s tests' },
  ],
  jenkinsTest:
    'pip install --user -r requirements.txt && python -m unittest discover -s tests',
  skeleton: name => ({
    'requirements.txt':
      '# Runtime dependencies, one per line, pinned (name==version).\n',
    'app.py': `import json
import os
from http.server import BaseHTTPRequestHandler, HTTPServer


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/healthz":
            body, kind = b"ok", "text/plain"
        else:
            body, kind = json.dumps({"service": "${name}"}).encode(), "application/json"
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.end_headers()
        self.wfile.write(body)


if __name__ == "__main__":
    HTTPServer(("", int(os.environ.get("PORT", "8080"))), Handler).serve_forever()
`,
    'tests/__init__.py': '',
    'tests/test_app.py': `import threading
import unittest
import urllib.request
from http.server import HTTPServer

from app import Handler


class HealthTest(unittest.TestCase):
    def test_healthz(self):
        server = HTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_port}/healthz"
        with urllib.request.urlopen(url) as res:
            self.assertEqual(res.status, 200)
        server.shutdown()


if __name__ == "__main__":
    unittest.main()
`,
  }),
};

/** @public */
export const RUNTIME_PROFILES: Record<Runtime, RuntimeProfile> = {
  node,
  go,
  python,
  java,
};
