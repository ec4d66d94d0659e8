package dev.longvqa.reason;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SegmentCacheTest {
    private static final SegmentOutput OUT = new SegmentOutput(1, 300, 600, "a man cooks — «ünïcödé»", 900, 41);

    @Test
    void keyDependsOnEveryInput() {
        String k = SegmentCache.key("video", "model", "settings", 3, 1);
        assertThat(k).matches("[0-9a-f]{64}").isEqualTo(SegmentCache.key("video", "model", "settings", 3, 1));
        assertThat(List.of(
                SegmentCache.key("video2", "model", "settings", 3, 1),
                SegmentCache.key("video", "model2", "settings", 3, 1),
                SegmentCache.key("video", "model", "settings2", 3, 1),
                SegmentCache.key("video", "model", "settings", 2, 1),
                SegmentCache.key("video", "model", "settings", 3, 2))).doesNotContain(k).doesNotHaveDuplicates();
    }

    @Test
    void settingsFingerprintIgnoresAnswerOnlySettings() {
        LvcotSettings d = LvcotSettings.defaults();
        assertThat(d.toBuilder().answerMaxTokens(5).answerSuffix("Answer with a letter.").finalPassVideo(false).build().segmentFingerprint())
                .isEqualTo(d.segmentFingerprint());
        assertThat(d.toBuilder().segmentMaxTokens(64).build().segmentFingerprint()).isNotEqualTo(d.segmentFingerprint());
        assertThat(d.toBuilder().segmentPrompt("Summarize.").build().segmentFingerprint()).isNotEqualTo(d.segmentFingerprint());
    }

    @Test
    void directoryCacheRoundTripsAndSurvivesANewInstance(@TempDir Path dir) throws Exception {
        String key = SegmentCache.key("v", "m", "s", 2, 1);
        assertThat(SegmentCache.directory(dir).get(key)).isEmpty();
        SegmentCache.directory(dir).put(key, OUT);
        assertThat(SegmentCache.directory(dir).get(key)).contains(OUT);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly(key + ".json"); // no temp files left
        }
    }

    @Test
    void corruptEntryIsAMissAndIsRepairedByTheNextPut(@TempDir Path dir) throws Exception {
        String key = SegmentCache.key("v", "m", "s", 2, 0);
        Files.writeString(dir.resolve(key + ".json"), "{\"index\":0,\"summ");
        SegmentCache cache = SegmentCache.directory(dir);
        assertThat(cache.get(key)).isEmpty();
        cache.put(key, OUT);
        assertThat(cache.get(key)).contains(OUT);
    }

    @Test
    void keysThatAreNotDigestsAreRefused(@TempDir Path dir) {
        assertThatThrownBy(() -> SegmentCache.directory(dir).get("../../etc/passwd")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void concurrentWritersAndReadersNeverSeeAPartialEntry(@TempDir Path dir) throws Exception {
        String key = SegmentCache.key("v", "m", "s", 3, 2);
        String longSummary = "x".repeat(200_000);
        ExecutorService pool = Executors.newFixedThreadPool(6);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        try {
            for (int w = 0; w < 3; w++) {
                int id = w;
                futures.add(pool.submit(() -> {
                    go.await();
                    SegmentCache c = SegmentCache.directory(dir);
                    for (int i = 0; i < 30; i++) c.put(key, new SegmentOutput(2, 0, 1, id + longSummary, i, i));
                    return null;
                }));
            }
            for (int r = 0; r < 3; r++) {
                futures.add(pool.submit(() -> {
                    go.await();
                    SegmentCache c = SegmentCache.directory(dir);
                    for (int i = 0; i < 200; i++) {
                        c.get(key).ifPresent(o -> assertThat(o.summary()).hasSize(longSummary.length() + 1));
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : futures) f.get();
        } finally {
            pool.shutdownNow();
        }
        assertThat(SegmentCache.directory(dir).get(key)).isPresent();
    }

    @Test
    void inMemoryCache() {
        InMemorySegmentCache c = new InMemorySegmentCache();
        c.put("k", OUT);
        assertThat(c.get("k")).contains(OUT);
        assertThat(c.get("other")).isEmpty();
        assertThat(c.size()).isEqualTo(1);
        SegmentCache none = SegmentCache.none();
        none.put("k", OUT);
        assertThat(none.get("k")).isEmpty();
    }
}
