package dev.longvqa.reason.backend;

import dev.longvqa.reason.LanguageModel;

/**
 * A backend that lives outside this package, found by {@link LanguageModels#fromSpec} through
 * {@link BackendOptions#providers()} or {@link java.util.ServiceLoader}. The Java-native runtime
 * ({@code dev.longvqa.runtime}) plugs in as scheme {@code runtime}; an in-process llama.cpp
 * backend would be scheme {@code gguf}.
 */
public interface LanguageModelProvider {
    /** The spec prefix before ':' this provider handles, e.g. {@code runtime}. */
    String scheme();

    /**
     * @param target the spec after the scheme (model id, path …)
     * @throws dev.longvqa.error.LongVqaException MODEL_UNAVAILABLE when the model is not there
     */
    LanguageModel open(String target, BackendOptions options);
}
