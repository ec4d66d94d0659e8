package dev.longvqa.reason;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalInt;

/**
 * Test double around a real model: delegates everything and keeps every prompt and completion,
 * so a test can look at exactly what a pass sent (embedding blocks, images, text). Subclass to
 * change what the model claims (e.g. its capabilities).
 */
public class RecordingLanguageModel implements LanguageModel {
    public final LanguageModel inner;
    public final List<Prompt> prompts = Collections.synchronizedList(new ArrayList<>());
    public final List<Completion> completions = Collections.synchronizedList(new ArrayList<>());

    public RecordingLanguageModel(LanguageModel inner) {
        this.inner = inner;
    }

    @Override
    public String id() {
        return inner.id();
    }

    @Override
    public String cacheId() {
        return inner.cacheId();
    }

    @Override
    public Capabilities capabilities() {
        return inner.capabilities();
    }

    @Override
    public OptionalInt embeddingWidth() {
        return inner.embeddingWidth();
    }

    @Override
    public OptionalInt textTokens(Prompt prompt) {
        return inner.textTokens(prompt);
    }

    @Override
    public Completion complete(Prompt prompt, DecodingSettings generation) {
        Completion c = inner.complete(prompt, generation);
        prompts.add(prompt);
        completions.add(c);
        return c;
    }

    /** Closes the model it wraps. */
    @Override
    public void close() {
        inner.close();
    }
}
