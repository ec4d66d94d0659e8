package dev.longvqa.runtime.hub;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where models come from and where they are kept.
 *
 * @param endpoint the Hugging Face hub ({@code HF_ENDPOINT}, default https://huggingface.co)
 * @param token    bearer token for gated/private repos ({@code HF_TOKEN}), or null
 * @param cacheDir the model cache, in the Hugging Face hub cache layout: {@code LONGVQA_MODELS}, else
 *                 {@code HF_HUB_CACHE}, else {@code HF_HOME/hub}, else ~/.cache/huggingface/hub, so
 *                 checkpoints other tools fetched are found and ours are theirs
 * @param offline  never touch the network ({@code HF_HUB_OFFLINE=1} or {@code LONGVQA_OFFLINE=1})
 */
public record HubSettings(URI endpoint, String token, Path cacheDir, boolean offline) {

    public static final URI DEFAULT_ENDPOINT = URI.create("https://huggingface.co");

    public HubSettings {
        String e = endpoint.toString();
        if (e.endsWith("/")) endpoint = URI.create(e.substring(0, e.length() - 1));
        if (token != null && token.isBlank()) token = null;
    }

    public static HubSettings fromEnvironment() {
        return fromEnvironment(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    static HubSettings fromEnvironment(Map<String, String> env, Path home) {
        String endpoint = env.getOrDefault("HF_ENDPOINT", "");
        return new HubSettings(endpoint.isBlank() ? DEFAULT_ENDPOINT : URI.create(endpoint),
                env.get("HF_TOKEN"),
                hubCache(env, home),
                truthy(env.get("HF_HUB_OFFLINE")) || truthy(env.get("LONGVQA_OFFLINE")));
    }

    /** huggingface_hub's own rule: HF_HUB_CACHE, else $HF_HOME/hub, else ~/.cache/huggingface/hub ($XDG_CACHE_HOME honoured). */
    static Path hubCache(Map<String, String> env, Path home) {
        String own = env.getOrDefault("LONGVQA_MODELS", "");
        if (!own.isBlank()) return Path.of(own);
        String hubCache = env.getOrDefault("HF_HUB_CACHE", "");
        if (!hubCache.isBlank()) return Path.of(hubCache);
        String hfHome = env.getOrDefault("HF_HOME", "");
        if (!hfHome.isBlank()) return Path.of(hfHome, "hub");
        String xdg = env.getOrDefault("XDG_CACHE_HOME", "");
        return (xdg.isBlank() ? home.resolve(".cache") : Path.of(xdg)).resolve("huggingface").resolve("hub");
    }

    private static boolean truthy(String v) {
        return v != null && (v.equals("1") || v.equalsIgnoreCase("true") || v.equalsIgnoreCase("yes"));
    }

    public HubSettings withCacheDir(Path dir) {
        return new HubSettings(endpoint, token, dir, offline);
    }

    public HubSettings withOffline(boolean off) {
        return new HubSettings(endpoint, token, cacheDir, off);
    }
}
