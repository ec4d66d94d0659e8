package dev.longvqa.functions.api;

import dev.longvqa.contract.api.ApiPaths;
import dev.longvqa.contract.api.HttpResponse;
import dev.longvqa.error.ErrorCode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The web page (module web/, class path {@link ApiPaths#STATIC_RESOURCES}); text as is, anything else base64.
 * The API function serves it, and so does {@code local web}, the signing proxy in front of the deployed API.
 */
public final class StaticFiles {
    /** Path segments of plain names only: no {@code ..}, no empty segment, no backslash. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]*(/[A-Za-z0-9_-][A-Za-z0-9._-]*)*");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8", "js", "text/javascript; charset=utf-8", "mjs", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8", "json", "application/json", "svg", "image/svg+xml", "png", "image/png",
            "ico", "image/x-icon", "txt", "text/plain; charset=utf-8", "woff2", "font/woff2");

    /** {@code GET /} and {@code GET /static/...}: the page, readable without an identity. */
    public static boolean isPage(String method, String path) {
        return "GET".equals(method) && path != null
                && (path.chars().allMatch(c -> c == '/') || path.startsWith(ApiPaths.STATIC_PREFIX));
    }

    /** The file a page path ({@link #isPage}) names: {@code /} is {@code index.html}. */
    public HttpResponse forPath(String path) {
        return get(path.startsWith(ApiPaths.STATIC_PREFIX) ? path.substring(ApiPaths.STATIC_PREFIX.length()) : "index.html");
    }

    HttpResponse get(String name) {
        if (!NAME.matcher(name).matches()) return ApiService.error(404, ErrorCode.NOT_FOUND.name(), "no file " + name, null);
        byte[] bytes;
        try (InputStream in = StaticFiles.class.getClassLoader().getResourceAsStream(ApiPaths.STATIC_RESOURCES + name)) {
            if (in == null) return ApiService.error(404, ErrorCode.NOT_FOUND.name(), "no file " + name, null);
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String ext = name.substring(name.lastIndexOf('.') + 1);
        String type = TYPES.getOrDefault(ext, "application/octet-stream");
        Map<String, String> headers = Map.of("content-type", type, "cache-control", "no-cache",
                "x-content-type-options", "nosniff");
        boolean text = type.startsWith("text/") || type.startsWith("application/json") || type.startsWith("image/svg");
        return text ? new HttpResponse(200, headers, new String(bytes, java.nio.charset.StandardCharsets.UTF_8), false)
                : new HttpResponse(200, headers, Base64.getEncoder().encodeToString(bytes), true);
    }
}
