package dev.longvqa.runtime.hub;

import dev.longvqa.pipeline.ErrorCode;
import dev.longvqa.pipeline.LongVqaException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(60)
class ModelStoreTest {
    @TempDir
    Path cache;
    FakeHub hub;

    @BeforeEach
    void start() throws Exception {
        hub = new FakeHub();
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    private ModelStore store(String token) {
        return new ModelStore(new HubSettings(hub.endpoint(), token, cache, false));
    }

    @Test
    void pullsTheRuntimeFilesVerifiesThemAndServesTheCacheAfterwards() throws Exception {
        Path dir = store("hf_secret").resolve(FakeHub.REPO);

        assertThat(dir).isEqualTo(cache.resolve("acme--tiny-llm/main"));
        for (String f : new String[]{"config.json", "tokenizer.json", "model.safetensors"}) {
            assertThat(Files.readAllBytes(dir.resolve(f))).as(f).isEqualTo(hub.files.get(f));
        }
        // Only what a runtime needs: no README, nothing from sub-folders.
        assertThat(dir.resolve("README.md")).doesNotExist();
        assertThat(dir.resolve("onnx")).doesNotExist();
        assertThat(dir.resolve("model.safetensors.part")).doesNotExist();
        // The token goes to the hub as a bearer token.
        assertThat(hub.requests).allSatisfy(r -> {
            if (!r.path().startsWith("/cdn/")) assertThat(r.authorization()).isEqualTo("Bearer hf_secret");
        });

        int before = hub.requests.size();
        assertThat(store(null).resolve(FakeHub.REPO)).isEqualTo(dir);
        assertThat(hub.requests).hasSize(before);
        assertThat(store(null).list()).singleElement().satisfies(m -> {
            assertThat(m.ref().repo()).isEqualTo(FakeHub.REPO);
            assertThat(m.complete()).isTrue();
            assertThat(m.bytes()).isGreaterThan(300_000);
        });
    }

    @Test
    void aCorruptDownloadFailsAndLeavesNothingBehind() {
        hub.corrupt = true;
        assertThatThrownBy(() -> store(null).resolve(FakeHub.REPO))
                .isInstanceOfSatisfying(LongVqaException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MODEL_UNAVAILABLE))
                .hasMessageContaining("model.safetensors").hasMessageContaining("sha256");
        Path dir = cache.resolve("acme--tiny-llm/main");
        assertThat(dir.resolve("model.safetensors")).doesNotExist();
        assertThat(dir.resolve("model.safetensors.part")).doesNotExist();
        assertThat(ModelStore.isComplete(dir)).isFalse();
    }

    @Test
    void withoutLfsInTheListingTheLinkedEtagIsChecked() {
        hub.linkedEtagOnly = true;
        hub.corrupt = true;
        assertThatThrownBy(() -> store(null).resolve(FakeHub.REPO)).hasMessageContaining("sha256");
        hub.corrupt = false;
        assertThat(store(null).resolve(FakeHub.REPO).resolve("model.safetensors")).hasBinaryContent(hub.files.get("model.safetensors"));
    }

    @Test
    void anInterruptedDownloadResumesWithARangeRequest() throws Exception {
        hub.dropNextLargeDownload.set(true);
        assertThatThrownBy(() -> store(null).resolve(FakeHub.REPO))
                .isInstanceOfSatisfying(LongVqaException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TRANSIENT));
        Path part = cache.resolve("acme--tiny-llm/main/model.safetensors.part");
        long partial = Files.size(part);
        assertThat(partial).isPositive().isLessThan(300_000);

        Path dir = store(null).resolve(FakeHub.REPO);

        assertThat(dir.resolve("model.safetensors")).hasBinaryContent(hub.files.get("model.safetensors"));
        assertThat(hub.downloadsOf("model.safetensors")).last()
                .satisfies(r -> assertThat(r.range()).isEqualTo("bytes=" + partial + "-"));
    }

    @Test
    void offlineWithNothingCachedSaysWhereToPlaceTheFiles() {
        ModelStore offline = new ModelStore(new HubSettings(hub.endpoint(), null, cache, true));
        assertThatThrownBy(() -> offline.resolve("smolvlm-256m"))
                .isInstanceOfSatisfying(LongVqaException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.MODEL_UNAVAILABLE);
                    assertThat(e.code().kind().exitCode()).isEqualTo(3);
                })
                .hasMessageContaining("HuggingFaceTB/SmolVLM-256M-Instruct")
                .hasMessageContaining(cache.resolve("HuggingFaceTB--SmolVLM-256M-Instruct/main").toString())
                .hasMessageContaining("config.json").hasMessageContaining("tokenizer.json").hasMessageContaining("safetensors");
        assertThat(hub.requests).isEmpty();
    }

    @Test
    void anUnreachableHubIsModelUnavailableToo() {
        ModelStore dead = new ModelStore(new HubSettings(java.net.URI.create("http://127.0.0.1:1"), null, cache, false));
        assertThatThrownBy(() -> dead.resolve(FakeHub.REPO))
                .isInstanceOfSatisfying(LongVqaException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MODEL_UNAVAILABLE))
                .hasMessageContaining("acme--tiny-llm");
    }

    @Test
    void filesPlacedByHandAreUsedOffline() throws Exception {
        Path dir = cache.resolve("acme--tiny-llm/main");
        Files.createDirectories(dir);
        for (String f : new String[]{"config.json", "tokenizer.json", "model.safetensors"}) Files.write(dir.resolve(f), hub.files.get(f));
        ModelStore offline = new ModelStore(new HubSettings(hub.endpoint(), null, cache, true));
        assertThat(offline.resolve(FakeHub.REPO)).isEqualTo(dir);
    }

    @Test
    void fallsBackToTheSiblingsListing() {
        hub.treeApi = false;
        Path dir = store(null).resolve(FakeHub.REPO);
        assertThat(dir.resolve("model.safetensors")).hasBinaryContent(hub.files.get("model.safetensors"));
        assertThat(hub.requests).anySatisfy(r -> assertThat(r.path()).endsWith("/revision/main"));
    }

    @Test
    void concurrentResolvesDownloadEachFileOnce() throws Exception {
        var pool = java.util.concurrent.Executors.newFixedThreadPool(3);
        try {
            var futures = new java.util.ArrayList<java.util.concurrent.Future<Path>>();
            for (int i = 0; i < 3; i++) futures.add(pool.submit(() -> store(null).resolve(FakeHub.REPO)));
            for (var f : futures) assertThat(f.get().resolve("model.safetensors")).hasBinaryContent(hub.files.get("model.safetensors"));
        } finally {
            pool.shutdownNow();
        }
        assertThat(hub.requests.stream().filter(r -> r.path().equals("/cdn/model.safetensors")).count()).isEqualTo(1);
    }

    @Test
    void settingsComeFromTheEnvironment() {
        HubSettings s = HubSettings.fromEnvironment(Map.of("HF_ENDPOINT", "https://mirror.example/", "HF_TOKEN", "t",
                "LONGVQA_MODELS", "/models", "HF_HUB_OFFLINE", "1"), Path.of("/home/u"));
        assertThat(s.endpoint().toString()).isEqualTo("https://mirror.example");
        assertThat(s.token()).isEqualTo("t");
        assertThat(s.cacheDir()).isEqualTo(Path.of("/models"));
        assertThat(s.offline()).isTrue();
        HubSettings d = HubSettings.fromEnvironment(Map.of(), Path.of("/home/u"));
        assertThat(d.endpoint()).isEqualTo(HubSettings.DEFAULT_ENDPOINT);
        assertThat(d.cacheDir()).isEqualTo(Path.of("/home/u/.cache/longvqa/models"));
        assertThat(d.offline()).isFalse();
    }
}
