// ollama-standin: a stand-in for the Ollama server, which cannot be installed where the tests run.
//
// It speaks enough of Ollama's HTTP API for nginx to proxy to it and for the runbook's checks to
// pass through it: `GET /`, `/api/version`, `/api/tags`, and `POST /api/generate` and `/api/chat`,
// each streamed (ndjson, one chunk per token) or not. Answers are canned and deterministic.
// Like Ollama, when it listens on loopback it answers 403 to a `Host` that names another machine,
// so a proxy must send `Host: localhost` (see HostGuard.swift).
//
//     OLLAMA_HOST=127.0.0.1:18434 STANDIN_REQUEST_LOG=/tmp/requests.jsonl ollama-standin
//     curl -s localhost:18434/api/generate -d '{"model":"llama3.2:3b","prompt":"Hi","stream":false}'
//
// Environment:
//   OLLAMA_HOST             where to listen, as Ollama reads it: `HOST:PORT`, `HOST`, `:PORT`, with an
//                           optional `http://`; default 0.0.0.0:11434. Port 0 picks a free port.
//   STANDIN_CHUNKS          tokens in a streamed answer, each in its own chunk (default 5); the final
//                           `"done":true` object follows them in one more chunk.
//   STANDIN_CHUNK_DELAY_MS  pause before every chunk after the first (default 200), so a test can see
//                           whether a proxy buffers.
//   STANDIN_REQUEST_LOG     a file to which one JSON line per request is appended: method, path,
//                           headers (names in lower case), status and body size.
//
// Once the socket is bound it prints `ollama-standin listening on HOST:PORT` to stderr, then one
// line per request. SIGTERM and SIGINT end it with status 0; bad configuration exits with 2.
#if canImport(Glibc)
import Glibc
#endif

// A client that hangs up mid-stream must cost one write error, not the process.
signal(SIGPIPE, SIG_IGN)
// Nothing is buffered in the process (the request log is written line by line), so exiting at once is safe.
signal(SIGTERM) { _ in _exit(0) }
signal(SIGINT) { _ in _exit(0) }

StandInServer.main(environment: StandInConfiguration.processEnvironment())
