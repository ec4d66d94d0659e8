package dev.longvqa.runtime.hub;

import dev.longvqa.contract.Json;
import com.fasterxml.jackson.databind.JsonNode;
import dev.longvqa.runtime.llm.CausalLm;
import dev.longvqa.runtime.llm.Generation;
import dev.longvqa.runtime.llm.GenerationConfig;
import dev.longvqa.runtime.llm.PromptPart;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The whole path a worker takes: resolve a model id from the hub into the cache, load, generate. */
class PullAndGenerateTest {
    @TempDir
    Path cache;

    @Test
    void aModelPulledFromTheHubLoadsAndAnswersLikeTheReference() throws Exception {
        Path golden = Path.of(getClass().getResource("/golden/llm/llama/config.json").toURI()).getParent();
        JsonNode g = Json.mapper().readTree(golden.resolve("golden.json").toFile());
        try (FakeHub hub = new FakeHub().serving(golden)) {
            Path dir = new ModelStore(new HubSettings(hub.endpoint(), null, cache, false)).resolve(FakeHub.REPO);
            assertThat(dir.resolve("model-00002-of-00002.safetensors")).exists();
            long[] ids = new long[g.get("ids").size()];
            for (int i = 0; i < ids.length; i++) ids[i] = g.get("ids").get(i).asLong();
            try (CausalLm lm = CausalLm.load(dir)) {
                Generation out = lm.generate(List.of(PromptPart.text(g.get("text").asText())), GenerationConfig.greedy(8));
                long[] expected = new long[8];
                for (int i = 0; i < 8; i++) expected[i] = g.get("greedy").get(i).asLong();
                assertThat(out.tokenIds()).containsExactly(expected);
                assertThat(out.promptTokens()).isEqualTo(ids.length);
            }
        }
    }
}
