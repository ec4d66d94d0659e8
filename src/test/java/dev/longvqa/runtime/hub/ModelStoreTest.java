package dev.longvqa.runtime.hub;

import dev.longvqa.error.ErrorCode;
import dev.longvqa.error.LongVqaException;
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

        // the hub cache layout; this fake hub names no commit, so the snapshot is named after the revision
        assertThat(dir).isEqualTo(cache.resolve("models--acme--tiny-llm/snapshots/main"));
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
        Path dir = cache.resolve("models--acme--tiny-llm/snapshots/main");
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
        Path part = cache.resolve("models--acme--tiny-llm/snapshots/main/model.safetensors.part");
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
                .hasMessageContaining(cache.resolve("models--HuggingFaceTB--SmolVLM-256M-Instruct/snapshots/main").toString())
                .hasMessageContaining("config.json").hasMessageContaining("tokenizer.json").hasMessageContaining("safetensors");
        assertThat(hub.requests).isEmpty();
    }

    @Test
    void anUnreachableHubIsModelUnavailableToo() {
        ModelStore dead = new ModelStore(new HubSettings(java.net.URI.create("http://127.0.0.1:1"), null, cache, false));
        assertThatThrownBy(() -> dead.resolve(FakeHub.REPO))
                .isInstanceOfSatisfying(LongVqaException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MODEL_UNAVAILABLE))
                .hasMessageContaining("acme--tiny-llm")
                // said once: which model, why (no exception class or "null"), then what to do
                .satisfies(e -> assertThat(e.getMessage().substring(0, e.getMessage().indexOf(". Run")))
                        .containsOnlyOnce(FakeHub.REPO).contains("cannot reach the model hub at http://127.0.0.1:1 (")
                        .doesNotContain("Exception").doesNotContain("null"));
    }

    @Test
    void aModelPulledInTheEarlierLayoutIsUsedWithoutAnyDownload() throws Exception {
        Path earlier = cache.resolve("acme--tiny-llm/main"); // longvqa's layout before the hub cache
        Files.createDirectories(earlier);
        for (String f : new String[]{"config.json", "tokenizer.json", "model.safetensors"}) Files.write(earlier.resolve(f), hub.files.get(f));
        assertThat(store(null).resolve(FakeHub.REPO)).isEqualTo(earlier);
        assertThat(hub.requests).isEmpty();
        // the hub layout wins once it holds the model
        Path dir = cache.resolve("models--acme--tiny-llm/snapshots/main");
        Files.createDirectories(dir);
        for (String f : new String[]{"config.json", "tokenizer.json", "model.safetensors"}) Files.write(dir.resolve(f), hub.files.get(f));
        assertThat(store(null).resolve(FakeHub.REPO)).isEqualTo(dir);
    }

    @Test
    void filesPlacedByHandAreUsedOffline() throws Exception {
        Path dir = cache.resolve("models--acme--tiny-llm/snapshots/main");
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
    void aCheckpointAnotherToolFetchedIsUsedWithoutAnyDownload() throws Exception {
        // huggingface_hub's layout: refs/main -> commit, snapshot files are links into blobs/
        String commit = "0123456789abcdef0123456789abcdef01234567";
        Path repo = cache.resolve("models--acme--tiny-llm");
        Path snap = Files.createDirectories(repo.resolve("snapshots").resolve(commit));
        Files.createDirectories(repo.resolve("blobs"));
        Files.createDirectories(repo.resolve("refs"));
        Files.writeString(repo.resolve("refs/main"), commit);
        for (String f : new String[]{"config.json", "tokenizer.json", "model.safetensors"}) {
            Path blob = Files.write(repo.resolve("blobs").resolve(FakeHub.sha256(hub.files.get(f))), hub.files.get(f));
            Files.createSymbolicLink(snap.resolve(f), snap.relativize(blob));
        }
        Path dir = store(null).resolve(FakeHub.REPO);
        assertThat(dir).isEqualTo(snap);
        assertThat(hub.requests).isEmpty();
        assertThat(store(null).resolve(FakeHub.REPO + "@" + commit)).isEqualTo(snap);
        assertThat(store(null).list()).singleElement().satisfies(m -> {
            assertThat(m.ref().revision()).isEqualTo("main");
            assertThat(m.complete()).isTrue();
            assertThat(m.bytes()).isEqualTo(hub.files.get("config.json").length + hub.files.get("tokenizer.json").length
                    + hub.files.get("model.safetensors").length);
        });
    }

    @Test
    void aPullWritesTheSnapshotOfTheCommitAndTheRefOtherToolsRead() throws Exception {
        hub.commit = "fedcba9876543210fedcba9876543210fedcba98";
        Path dir = store(null).resolve(FakeHub.REPO);
        assertThat(dir).isEqualTo(cache.resolve("models--acme--tiny-llm/snapshots/" + hub.commit));
        assertThat(Files.readString(cache.resolve("models--acme--tiny-llm/refs/main"))).isEqualTo(hub.commit);
        assertThat(Files.readAllBytes(dir.resolve("model.safetensors"))).isEqualTo(hub.files.get("model.safetensors"));
        int before = hub.requests.size();
        assertThat(store(null).resolve(FakeHub.REPO)).isEqualTo(dir);
        assertThat(hub.requests).hasSize(before);
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
        assertThat(d.cacheDir()).isEqualTo(Path.of("/home/u/.cache/huggingface/hub"));
        assertThat(HubSettings.fromEnvironment(Map.of("HF_HOME", "/hf"), Path.of("/home/u")).cacheDir()).isEqualTo(Path.of("/hf/hub"));
        assertThat(HubSettings.fromEnvironment(Map.of("HF_HOME", "/hf", "HF_HUB_CACHE", "/hc"), Path.of("/home/u")).cacheDir())
                .isEqualTo(Path.of("/hc"));
        assertThat(HubSettings.fromEnvironment(Map.of("XDG_CACHE_HOME", "/x"), Path.of("/home/u")).cacheDir())
                .isEqualTo(Path.of("/x/huggingface/hub"));
        assertThat(d.offline()).isFalse();
    }
}
