/**
 * The jobs and questions API (docs/openapi.yaml, docs/API.md): the request and response shapes the
 * API Lambda writes and every client reads (the local CLI, the tests, the web page's expectations),
 * the API Gateway HTTP API payload v2 event and response the Lambda handles (AWS sends them; the
 * local cloud builds the same from plain HTTP), and the upload sidecar the API writes for register.
 */
package dev.longvqa.contract.api;
