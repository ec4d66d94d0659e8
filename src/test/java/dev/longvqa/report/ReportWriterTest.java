package dev.longvqa.report;

import dev.longvqa.contract.ScenesDocument;
import dev.longvqa.video.RgbImage;
import dev.longvqa.video.SampledFrame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The writer and the thumbnail tap without a browser: escaping, edge cases, frame choice. */
class ReportWriterTest {
    @TempDir
    Path dir;

    static ScenesDocument doc(String name, List<Double> cuts, List<ScenesDocument.SceneEntry> scenes) {
        return new ScenesDocument(name, 30, 30, "uniform:1", "signature", null, cuts, scenes, List.of(),
                new ScenesDocument.Timings(1234, 5));
    }

    static RgbImage solid(int w, int h, int r, int g, int b) {
        byte[] px = new byte[w * h * 3];
        for (int i = 0; i < px.length; i += 3) {
            px[i] = (byte) r;
            px[i + 1] = (byte) g;
            px[i + 2] = (byte) b;
        }
        return new RgbImage(w, h, px);
    }

    @Test
    void escapesMarkupInEveryUserString() {
        assertThat(ReportWriter.esc("<a href='x'>\"&</a>\u0007")).isEqualTo("&lt;a href=&#39;x&#39;&gt;&quot;&amp;&lt;/a&gt;\uFFFD");
        String html = ReportWriter.render(ReportData.of(doc("/v/\"><script>x()</script>.mp4", List.of(),
                List.of(new ScenesDocument.SceneEntry(0, 0, 30, 15, 0, 30))), Map.of()));
        assertThat(html).doesNotContain("<script>").contains("&quot;&gt;&lt;script&gt;x()&lt;/script&gt;.mp4");
    }

    @Test
    void sceneWithoutThumbnailGetsPlaceholderAndEmptyCurveStillRenders() throws Exception {
        Path out = dir.resolve("sub/report.html");
        ReportWriter.write(out, ReportData.of(doc("v.mp4", List.of(10.0),
                List.of(new ScenesDocument.SceneEntry(0, 0, 10, 5, 0, 10), new ScenesDocument.SceneEntry(1, 10, 30, 20, 10, 20))),
                Map.of(1, solid(16, 9, 200, 30, 30))));
        String html = Files.readString(out);
        assertThat(html).containsOnlyOnce("class=\"noimg\"").containsOnlyOnce("data:image/jpeg;base64,")
                .contains("<line class=\"cut\" data-time=\"10.000\"").doesNotContain("<polyline")
                .doesNotContain("id=\"answers\"").contains("1.2 s");
        try (var files = Files.list(out.getParent())) {
            assertThat(files).containsExactly(out); // no temporary file left behind
        }
    }

    @Test
    void clockFormatsShortAndLongTimes() {
        assertThat(ReportWriter.clock(75.26)).isEqualTo("1:15.3");
        assertThat(ReportWriter.clock(3723.4)).isEqualTo("1:02:03");
        assertThat(ReportWriter.fileName("/a/b/c.mp4")).isEqualTo("c.mp4");
    }

    @Test
    void collectorPicksTheFrameNearestEachRepresentativeTime() {
        ThumbnailCollector c = new ThumbnailCollector();
        for (int i = 0; i < 10; i++) c.accept(new SampledFrame(i, i, solid(16, 16, i * 25, 0, 0), i, 0f));
        Map<Integer, RgbImage> got = c.forScenes(doc("v", List.of(4.0), List.of(
                new ScenesDocument.SceneEntry(0, 0, 4, 2.4, 0, 4), new ScenesDocument.SceneEntry(1, 4, 10, 8.6, 4, 6),
                new ScenesDocument.SceneEntry(2, 10, 11, 99, 10, 1))));
        // JPEG is lossy: compare the red level with a margin well below the 25-level step.
        assertThat(got.get(0).at(8, 8, 0)).isCloseTo(50, org.assertj.core.api.Assertions.within(6));
        assertThat(got.get(1).at(8, 8, 0)).isCloseTo(225, org.assertj.core.api.Assertions.within(6));
        assertThat(got.get(2).at(8, 8, 0)).isCloseTo(225, org.assertj.core.api.Assertions.within(6));
        assertThat(c.size()).isEqualTo(10);
    }

    @Test
    void collectorScalesLargeFramesDownToTheThumbnailSize() {
        ThumbnailCollector c = new ThumbnailCollector();
        c.accept(new SampledFrame(0, 0, solid(384, 216, 10, 200, 40), 0, 0f));
        RgbImage t = c.forScenes(doc("v", List.of(), List.of(new ScenesDocument.SceneEntry(0, 0, 1, 0, 0, 1)))).get(0);
        assertThat(t.width()).isEqualTo(160);
        assertThat(t.height()).isEqualTo(90);
        assertThat(t.at(80, 45, 1)).isCloseTo(200, org.assertj.core.api.Assertions.within(6));
    }

    @Test
    void thumbnailsFromAnotherFrameStoreAreLookedUpAtRepresentativeTimesAndScaled() {
        List<Double> asked = new java.util.ArrayList<>();
        Map<Integer, RgbImage> got = ThumbnailCollector.forScenes(doc("v", List.of(10.0), List.of(
                        new ScenesDocument.SceneEntry(0, 0, 10, 4.5, 0, 10), new ScenesDocument.SceneEntry(1, 10, 30, 21, 10, 20))),
                t -> {
                    asked.add(t);
                    return t > 20 ? solid(384, 216, 0, 0, 250) : null; // no frame for the first scene
                }, 160);
        assertThat(asked).containsExactly(4.5, 21.0);
        assertThat(got).containsOnlyKeys(1);
        assertThat(got.get(1).width()).isEqualTo(160);
        assertThat(got.get(1).at(10, 10, 2)).isEqualTo(250);
    }

    @Test
    void cutsThatTheSceneLimitMergedAreMarkedApartFromSceneBoundaries() {
        String html = ReportWriter.render(ReportData.of(doc("v.mp4", List.of(10.0, 20.0),
                List.of(new ScenesDocument.SceneEntry(0, 0, 10, 5, 0, 10), new ScenesDocument.SceneEntry(1, 10, 30, 20, 10, 20))), Map.of()));
        assertThat(html).contains("<line class=\"cut\" data-time=\"10.000\"")
                .contains("<line class=\"cut merged\" data-time=\"20.000\"")
                .contains("2 cuts (1 merged away by the scene limit)");
    }
}
