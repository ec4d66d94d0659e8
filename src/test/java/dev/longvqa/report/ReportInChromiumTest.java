package dev.longvqa.report;

import dev.longvqa.contract.SegmentSummary;
import dev.longvqa.RequiredTool;
import dev.longvqa.pipeline.SceneDetector;
import dev.longvqa.contract.ScenesDocument;
import dev.longvqa.pipeline.ScenesResult;
import dev.longvqa.reason.AnswerOutput;
import dev.longvqa.reason.AskReport;
import dev.longvqa.reason.PassRecord;
import dev.longvqa.scenes.CutScore;
import dev.longvqa.video.RgbImage;
import dev.longvqa.video.VideoSource;
import dev.longvqa.video.synthetic.SyntheticVideo;
import dev.longvqa.video.synthetic.SyntheticVideo.ShotType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The report as a browser sees it: a real video through the real detector, the page rendered by
 * headless Chromium, assertions on the rendered DOM and on the screenshot's pixels.
 */
class ReportInChromiumTest {
    static final String EVIL_NAME = "clips/<img src=x onerror=alert(1)>&'\".mp4";
    static final String EVIL_QUESTION = "What is shown? <script>alert('q')</script>";
    static final String EVIL_ANSWER = "A <b>bold</b> claim & <img src=x onerror=alert(2)>";

    @TempDir
    static Path dir;
    static SyntheticVideo.Generated video;
    static ScenesDocument doc;
    static Map<Integer, RgbImage> thumbs;

    @BeforeAll
    static void detect() {
        RequiredTool.require(Chromium.available(), "headless " + Chromium.BINARY);
        video = SyntheticVideo.builder().size(320, 180).fps(25).seed(7)
                .shot(ShotType.SHAPES, 6).shot(ShotType.PAN, 5).shot(ShotType.ZOOM, 7).shot(ShotType.NOISE, 6)
                .build().write(dir.resolve("three-cuts.mp4"));
        ThumbnailCollector tap = new ThumbnailCollector();
        ScenesResult r = SceneDetector.builder().build().detect(VideoSource.of(video.path()), tap);
        doc = r.document(EVIL_NAME);
        thumbs = tap.forScenes(doc);
        // The report shows what the detector found; make sure that is the truth, so the
        // assertions below on times also check the page against the video itself.
        assertThat(video.cutsSec()).hasSize(3);
        assertThat(CutScore.of(video.cutsSec(), doc.cutsSec(), 1.0).f1()).isEqualTo(1.0);
        assertThat(tap.size()).isEqualTo(doc.sampledFrames());
    }

    private static AskReport ask() {
        return new AskReport(EVIL_ANSWER, "fake-model", "abc123", doc.durationSec(),
                List.of(new AnswerOutput("q1", EVIL_QUESTION, EVIL_ANSWER, "stop", 812, 17, 420),
                        new AnswerOutput("q2", "How many scenes?", "Four.", "stop", 790, 3, 180)),
                List.of(new SegmentSummary(0, 0, 12, "Shapes bounce, then a pan over a texture."),
                        new SegmentSummary(1, 12, doc.durationSec(), "Rings zoom; noise.\nSecond line.")),
                List.of(new PassRecord("segment", 0, false, 600, 120, 900), new PassRecord("segment", 1, true, 0, 0, 0),
                        new PassRecord("answer", 0, false, 812, 17, 420), new PassRecord("answer", 1, false, 790, 3, 180)),
                new AskReport.TokenUsage(2202, 140, 3), new AskReport.Elapsed(900, 600, 1500));
    }

    @Test
    void renderedDomHasOneFigurePerSceneCutMarkersAndNothingExternal() throws Exception {
        Path html = dir.resolve("report.html");
        ReportWriter.write(html, new ReportData(doc, thumbs, ask()));
        if (System.getProperty("longvqa.report.keep") != null) keep(html, Chromium.screenshot(html, dir, 1280, 2000));
        String dom = Chromium.dumpDom(html, dir);

        List<Map<String, String>> figures = elements(dom, "figure");
        assertThat(figures).hasSize(doc.scenes().size()).hasSize(4);
        for (int i = 0; i < figures.size(); i++) {
            Map<String, String> f = figures.get(i);
            ScenesDocument.SceneEntry s = doc.scenes().get(i);
            assertThat(f.get("class")).isEqualTo("scene");
            assertThat(Integer.parseInt(f.get("data-index"))).isEqualTo(s.index());
            assertThat(Double.parseDouble(f.get("data-start"))).isCloseTo(s.startSec(), within(1e-3));
            assertThat(Double.parseDouble(f.get("data-end"))).isCloseTo(s.endSec(), within(1e-3));
            double rep = Double.parseDouble(f.get("data-representative"));
            assertThat(rep).isBetween(s.startSec(), s.endSec());
        }
        // Scene boundaries are the true cuts (±1 s, one sampled frame at 1 fps).
        for (int i = 1; i < figures.size(); i++) {
            assertThat(Double.parseDouble(figures.get(i).get("data-start"))).isCloseTo(video.cutsSec().get(i - 1), within(1.0));
        }
        assertThat(count(dom, "<img ")).isEqualTo(4);
        assertThat(elements(dom, "img")).allSatisfy(img -> assertThat(img.get("src")).startsWith("data:image/jpeg;base64,"));

        assertThat(count(dom, "<svg id=\"similarity\"")).isEqualTo(1);
        Map<String, String> svg = elements(dom, "svg").getFirst();
        double duration = Double.parseDouble(svg.get("data-duration"));
        List<Map<String, String>> cuts = elements(dom, "line").stream().filter(l -> "cut".equals(l.get("class"))).toList();
        assertThat(cuts).hasSize(3);
        for (int i = 0; i < cuts.size(); i++) {
            double t = Double.parseDouble(cuts.get(i).get("data-time"));
            assertThat(t).isCloseTo(doc.cutsSec().get(i), within(1e-3)).isCloseTo(video.cutsSec().get(i), within(1.0));
            // The marker is drawn where its time says, on the same axis as the curve.
            double x = Double.parseDouble(cuts.get(i).get("x1"));
            assertThat(x).isCloseTo(48 + t / duration * (ReportWriter.CHART_W - 60), within(0.1));
        }
        assertThat(elements(dom, "rect").stream().filter(r -> r.getOrDefault("class", "").startsWith("scene-band"))).hasSize(4);
        assertThat(elements(dom, "polyline").getFirst().get("points").split(" ")).hasSize(doc.similarity().size());

        // LVCoT segments and answers, escaped: present as text, never as markup.
        assertThat(elements(dom, "li").stream().filter(l -> "segment".equals(l.get("class")))).hasSize(2);
        assertThat(elements(dom, "article")).extracting(a -> a.get("data-question-id")).containsExactly("q1", "q2");
        assertThat(dom).doesNotContain("<script").doesNotContain("onerror=\"")
                .contains("&lt;script&gt;alert('q')&lt;/script&gt;")
                .contains("A &lt;b&gt;bold&lt;/b&gt; claim &amp; &lt;img src=x onerror=alert(2)&gt;")
                .contains("&lt;img src=x onerror=alert(1)&gt;&amp;'\".mp4");
        assertThat(dom).contains("2202").contains("fake-model");

        // Self-contained: every src/href is inline data, no url(...) in styles, a CSP that forbids the rest.
        Matcher ref = Pattern.compile("\\s(src|href|xlink:href|action|poster)=\"([^\"]*)\"").matcher(dom);
        while (ref.find()) assertThat(ref.group(2)).as(ref.group()).startsWith("data:");
        assertThat(dom).doesNotContainPattern("url\\(").doesNotContain("<link").doesNotContain("@import");
        assertThat(Files.readString(html)).contains("default-src 'none'");
    }

    @Test
    void screenshotShowsTheThumbnailsInSceneOrderAndTheChart() throws Exception {
        Path html = dir.resolve("scenes-only.html");
        ReportWriter.write(html, ReportData.of(doc, thumbs));
        Path png = Chromium.screenshot(html, dir, 1280, 2000);
        keep(html, png);
        BufferedImage shot = ImageIO.read(png.toFile());
        assertThat(shot).isNotNull();
        assertThat(shot.getWidth()).isEqualTo(1280);
        assertThat(shot.getHeight()).isEqualTo(2000);
        assertThat(Chromium.lumaStdDev(shot)).as("not a blank page").isGreaterThan(15);

        // Each thumbnail appears on screen at 1:1 scale (160 px wide), left to right in scene
        // order, on one row: find it by template matching against the frame we put in.
        int lastX = -1, rowY = -1;
        for (int i = 0; i < doc.scenes().size(); i++) {
            RgbImage t = thumbs.get(i);
            assertThat(t.width()).isEqualTo(160);
            int[] at = bestMatch(shot, t);
            double err = meanAbsError(shot, t, at[0], at[1], 1);
            assertThat(err).as("scene %d thumbnail mismatch at %d,%d", i, at[0], at[1]).isLessThan(12);
            assertThat(at[0]).isGreaterThan(lastX);
            if (rowY < 0) rowY = at[1];
            assertThat(at[1]).isEqualTo(rowY);
            lastX = at[0];
            assertThat(colourfulness(shot, at[0], at[1], t.width(), t.height())).as("thumbnail region has colour").isGreaterThan(20);
        }
        // The red dashed cut markers are drawn below the strip.
        assertThat(countPixels(shot, rowY + 90, shot.getHeight(), c -> r(c) > 180 && g(c) < 90 && b(c) < 90)).isGreaterThan(100);
    }

    /** {@code -Dlongvqa.report.keep=DIR} keeps the page and its screenshot for a human to look at. */
    static void keep(Path... files) throws java.io.IOException {
        String keep = System.getProperty("longvqa.report.keep");
        if (keep == null) return;
        Files.createDirectories(Path.of(keep));
        for (Path f : files) Files.copy(f, Path.of(keep, f.getFileName().toString()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    // --- DOM helpers: Chromium serialises attributes as name="value" with &quot; escaping ---

    static List<Map<String, String>> elements(String dom, String tag) {
        List<Map<String, String>> out = new ArrayList<>();
        Matcher m = Pattern.compile("<" + tag + "(\\s[^>]*)?>").matcher(dom);
        Pattern attr = Pattern.compile("([\\w:-]+)=\"([^\"]*)\"");
        while (m.find()) {
            Map<String, String> a = new LinkedHashMap<>();
            if (m.group(1) != null) {
                Matcher am = attr.matcher(m.group(1));
                while (am.find()) a.put(am.group(1), am.group(2));
            }
            out.add(a);
        }
        return out;
    }

    static int count(String s, String needle) {
        int n = 0;
        for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) n++;
        return n;
    }

    // --- pixel helpers ---

    static int r(int c) { return c >> 16 & 0xff; }
    static int g(int c) { return c >> 8 & 0xff; }
    static int b(int c) { return c & 0xff; }

    /** Mean over pixels of max(r,g,b) - min(r,g,b): 0 for greys, large for saturated colour. */
    static double colourfulness(BufferedImage img, int x0, int y0, int w, int h) {
        double s = 0;
        for (int y = y0; y < y0 + h; y++) {
            for (int x = x0; x < x0 + w; x++) {
                int c = img.getRGB(x, y);
                s += Math.max(r(c), Math.max(g(c), b(c))) - Math.min(r(c), Math.min(g(c), b(c)));
            }
        }
        return s / (w * h);
    }

    static long countPixels(BufferedImage img, int y0, int y1, java.util.function.IntPredicate p) {
        long n = 0;
        for (int y = Math.max(0, y0); y < Math.min(y1, img.getHeight()); y++)
            for (int x = 0; x < img.getWidth(); x++) if (p.test(img.getRGB(x, y))) n++;
        return n;
    }

    static double meanAbsError(BufferedImage img, RgbImage t, int x0, int y0, int step) {
        if (x0 < 0 || y0 < 0 || x0 + t.width() > img.getWidth() || y0 + t.height() > img.getHeight()) return Double.MAX_VALUE;
        double s = 0;
        long n = 0;
        for (int y = 0; y < t.height(); y += step) {
            for (int x = 0; x < t.width(); x += step) {
                int c = img.getRGB(x0 + x, y0 + y);
                s += Math.abs(r(c) - t.at(x, y, 0)) + Math.abs(g(c) - t.at(x, y, 1)) + Math.abs(b(c) - t.at(x, y, 2));
                n += 3;
            }
        }
        return s / n;
    }

    /** Coarse search on a sparse template grid, then an exact one around the best coarse hit. */
    static int[] bestMatch(BufferedImage img, RgbImage t) {
        int[] best = {0, 0};
        double bestErr = Double.MAX_VALUE;
        for (int y = 0; y + t.height() <= img.getHeight(); y += 2) {
            for (int x = 0; x + t.width() <= img.getWidth(); x += 2) {
                double e = meanAbsError(img, t, x, y, 16);
                if (e < bestErr) {
                    bestErr = e;
                    best = new int[]{x, y};
                }
            }
        }
        int[] fine = best;
        bestErr = Double.MAX_VALUE;
        for (int y = best[1] - 3; y <= best[1] + 3; y++) {
            for (int x = best[0] - 3; x <= best[0] + 3; x++) {
                double e = meanAbsError(img, t, x, y, 2);
                if (e < bestErr) {
                    bestErr = e;
                    fine = new int[]{x, y};
                }
            }
        }
        return fine;
    }
}
