package dev.longvqa.contract.api;

import java.util.Map;

/** An API Gateway HTTP API payload v2 response, as the API Lambda returns it and {@code local up} writes it out. */
public record HttpResponse(int statusCode, Map<String, String> headers, String body, boolean isBase64Encoded) {}
