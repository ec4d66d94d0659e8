package dev.longvqa.local.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.longvqa.contract.Json;
import dev.longvqa.report.Chromium;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a person does with the page, in a real Chromium against a server that speaks
 * docs/openapi.yaml: pick a video file, watch the upload's progress and the job's stages, read
 * the scenes, the curve and the summaries, ask a follow-up and read its answer; then the same job
 * page and the home page measured at desktop (1280 px) and phone (390 px) widths.
 *
 * <p>Assertions compare what the page shows with what the API answers (fetched by the same page),
 * so the same flow checks the page against the stand-in API and against {@code local up}.
 */
final class WebPageFlow {
    static final Path SHOTS = Path.of("target", "web-screenshots");
    static final int DESKTOP = 1280, PHONE = 390;

    private final DevToolsBrowser b;
    private final String base;
    private final String label;

    WebPageFlow(DevToolsBrowser browser, String baseUrl, String label) {
        this.b = browser;
        this.base = baseUrl;
        this.label = label;
    }

    /** The upload through the file input; returns the job id the page went to, with the progress texts it showed. */
    Upload upload(Path video, List<String> questions) {
        b.viewport(DESKTOP, 900);
        b.navigate(base);
        b.waitFor("document.getElementById('job-list').dataset.loaded === 'true'", Duration.ofSeconds(30));
        // Every text the percentage showed, in order: the bar must move forward and end full.
        b.eval("performance.setResourceTimingBufferSize(100000); window.__shown = []; new MutationObserver(() => window.__shown.push(document.getElementById('upload-percent').textContent))"
                + ".observe(document.getElementById('upload-percent'), {childList: true, characterData: true, subtree: true}); true");
        b.setFile("#file", video);
        b.waitFor("!document.getElementById('upload-button').disabled", Duration.ofSeconds(10));
        b.eval("document.getElementById('upload-questions').value = " + js(String.join("\n", questions)) + "; true");
        b.eval("document.getElementById('upload-form').requestSubmit(); true");
        b.waitFor("location.hash.startsWith('#/jobs/')", Duration.ofSeconds(120));
        String jobId = b.eval("location.hash.substring('#/jobs/'.length)").asText();
        List<String> shown = new ArrayList<>();
        b.eval("window.__shown").forEach(n -> shown.add(n.asText()));
        double bar = b.eval("document.getElementById('upload-progress').value").asDouble();
        return new Upload(jobId, shown, bar);
    }

    record Upload(String jobId, List<String> percentages, double finalBar) {
        void assertProgressWentUpToFull() {
            assertThat(jobId).matches("[0-9a-f]{32}");
            assertThat(finalBar).isEqualTo(1.0);
            assertThat(percentages).isNotEmpty().last().isEqualTo("100 %");
            List<Integer> values = percentages.stream().map(p -> Integer.parseInt(p.replace(" %", ""))).toList();
            for (int i = 1; i < values.size(); i++) assertThat(values.get(i)).as("progress %s", values).isGreaterThanOrEqualTo(values.get(i - 1));
        }
    }

    /** Waits on the job page until the job is terminal; returns the status the page shows. */
    String awaitTerminal(Duration timeout) {
        b.waitFor("['SUCCEEDED','FAILED'].includes(document.getElementById('job-state')?.dataset.status)", timeout);
        return b.eval("document.getElementById('job-state').dataset.status").asText();
    }

    /** The API's own answer, fetched by the page (same origin, same base). */
    JsonNode api(String relativePath) {
        return b.eval("fetch(" + js(relativePath) + ").then(r => r.json())");
    }

    /** The scene strip, the chart and the segment list show exactly the API's scenes, cuts and summaries. */
    JsonNode assertReportPiecesMatchTheApi(String jobId) {
        JsonNode detail = api("jobs/" + jobId + "/scenes");
        JsonNode scenes = detail.get("scenes");
        assertThat(scenes.size()).isGreaterThanOrEqualTo(2);
        b.waitFor("document.querySelectorAll('#strip figure.scene').length === " + scenes.size(), Duration.ofSeconds(20));
        b.waitFor("document.querySelectorAll('#segments li.segment').length === " + detail.get("segments").size(), Duration.ofSeconds(20));
        JsonNode shown = b.eval("""
                ({figures: [...document.querySelectorAll('#strip figure.scene')].map(f => ({index: +f.dataset.index, start: +f.dataset.start,
                    end: +f.dataset.end, visible: f.getBoundingClientRect().width > 0})),
                  cuts: [...document.querySelectorAll('svg#similarity line.cut')].map(l => +l.dataset.time),
                  cutX: [...document.querySelectorAll('svg#similarity line.cut')].map(l => +l.getAttribute('x1')),
                  chartWidth: +document.querySelector('svg#similarity').getAttribute('width'),
                  points: document.querySelector('svg#similarity polyline.curve')?.getAttribute('points').split(' ').length ?? 0,
                  summaries: [...document.querySelectorAll('#segments li.segment .summary')].map(p => p.textContent),
                  markupInSummaries: document.querySelectorAll('#segments li.segment .summary *').length})""");
        for (int i = 0; i < scenes.size(); i++) {
            JsonNode f = shown.get("figures").get(i), s = scenes.get(i);
            assertThat(f.get("index").asInt()).isEqualTo(s.get("index").asInt());
            assertThat(f.get("start").asDouble()).isEqualTo(Math.round(s.get("startSec").asDouble() * 1000) / 1000.0);
            assertThat(f.get("end").asDouble()).isEqualTo(Math.round(s.get("endSec").asDouble() * 1000) / 1000.0);
        }
        assertThat(shown.get("cuts").size()).isEqualTo(scenes.size() - 1);
        for (int i = 1; i < scenes.size(); i++) {
            assertThat(shown.get("cuts").get(i - 1).asDouble()).isEqualTo(Math.round(scenes.get(i).get("startSec").asDouble() * 1000) / 1000.0);
        }
        // Each cut marker is drawn where its time says, on the report's axis (ReportWriter: 48 px left, 12 px right padding).
        double w = shown.get("chartWidth").asDouble(), duration = detail.get("durationSec").asDouble();
        for (int i = 0; i < shown.get("cuts").size(); i++) {
            double t = shown.get("cuts").get(i).asDouble();
            assertThat(shown.get("cutX").get(i).asDouble()).isCloseTo(48 + t / duration * (w - 60), org.assertj.core.api.Assertions.within(0.1));
        }
        assertThat(shown.get("points").asInt()).isEqualTo(detail.get("curve").size());
        for (int i = 0; i < detail.get("segments").size(); i++) {
            assertThat(shown.get("summaries").get(i).asText()).isEqualTo(detail.get("segments").get(i).get("summary").asText());
        }
        assertThat(shown.get("markupInSummaries").asInt()).as("summaries are text, never markup").isZero();
        return detail;
    }

    /** Every stage the API lists is shown, and shown done. */
    void assertStagesAllDone(String jobId) {
        JsonNode job = api("jobs/" + jobId);
        int stages = job.get("progress").size();
        assertThat(stages).isGreaterThan(0);
        b.waitFor("document.querySelectorAll('#job-stages li.stage[data-state=DONE]').length === " + stages, Duration.ofSeconds(10));
    }

    /** Types a question, submits it, waits for its answer on the page; returns the API's answer view. */
    JsonNode ask(String jobId, String question, Duration timeout) {
        b.waitFor("!document.getElementById('ask-button').disabled", Duration.ofSeconds(30));
        b.eval("document.getElementById('question').value = " + js(question) + "; document.getElementById('ask-form').requestSubmit(); true");
        String article = "[...document.querySelectorAll('#answers article.qa')].find(a => a.querySelector('.question').textContent === "
                + js(question) + ")";
        b.waitFor(article + "?.dataset.state === 'ANSWERED'", timeout);
        String qid = b.eval(article + ".dataset.questionId").asText();
        JsonNode answer = api("jobs/" + jobId + "/answers/" + qid);
        assertThat(answer.get("state").asText()).isEqualTo("ANSWERED");
        assertThat(b.eval(article + ".querySelector('.answer').textContent").asText()).isEqualTo(answer.get("answer").asText());
        return answer;
    }

    /**
     * Nothing the page loaded came from anywhere but its own origin (files and API), except the
     * upload PUTs to the presigned storage URLs: no CDN, no font, no analytics.
     */
    void assertNothingFetchedButTheApiAndStorage() {
        JsonNode foreign = b.eval("performance.getEntriesByType('resource').filter(e => !e.name.startsWith(location.origin + '/')"
                + " && e.initiatorType !== 'xmlhttprequest').map(e => e.name)");
        assertThat(foreign).as("fetched from elsewhere").isEmpty();
        assertThat(b.eval("performance.getEntriesByType('resource').filter(e => e.initiatorType === 'script' || e.initiatorType === 'link')"
                + ".map(e => new URL(e.name).pathname)").toString()).contains("/static/app.js", "/static/report.js", "/static/report.css", "/static/app.css");
    }

    /** The error banner's text once it shows; dismisses it. */
    String errorShown() {
        b.waitFor("!document.getElementById('error').hidden", Duration.ofSeconds(30));
        String text = b.eval("document.getElementById('error').innerText").asText();
        b.eval("document.getElementById('error-close').click(); true");
        return text;
    }

    void submitQuestion(String question) {
        b.eval("document.getElementById('question').value = " + js(question) + "; document.getElementById('ask-form').requestSubmit(); true");
    }

    void go(String hash) {
        b.eval("location.hash = " + js(hash) + "; true");
    }

    // --- layout ---

    /**
     * At the given width: no horizontal scrolling, every key element laid out inside the viewport's
     * width with a size, the given blocks pairwise apart; then a full-page PNG under target/ whose
     * width is the viewport's (a page wider than the screen would make it wider).
     */
    Path assertLayout(String name, int width, List<String> visible, List<List<String>> apartGroups) throws IOException {
        b.viewport(width, 900);
        // The chart redraws for the new width after its resize debounce; wait until it has.
        b.waitFor("!document.querySelector('svg#similarity') || document.querySelector('#job-view').hidden"
                + " || +document.querySelector('svg#similarity').getAttribute('width') <= document.getElementById('curve').clientWidth", Duration.ofSeconds(10));
        b.eval("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))");
        JsonNode m = b.eval("({scroll: document.documentElement.scrollWidth, inner: innerWidth})");
        assertThat(m.get("inner").asInt()).as("%s at %d px: the layout viewport (a phone widens it for a page wider than the screen)", name, width)
                .isEqualTo(width);
        assertThat(m.get("scroll").asInt()).as("%s at %d px: horizontal overflow", name, width).isLessThanOrEqualTo(width);
        for (String sel : visible) {
            JsonNode r = rect(sel);
            assertThat(r.isObject()).as("%s at %d px: %s exists", name, width, sel).isTrue();
            assertThat(r.get("w").asDouble()).as("%s at %d px: %s has a width", name, width, sel).isGreaterThan(0);
            assertThat(r.get("h").asDouble()).as("%s at %d px: %s has a height", name, width, sel).isGreaterThan(0);
            assertThat(r.get("left").asDouble()).as("%s at %d px: %s left edge", name, width, sel).isGreaterThanOrEqualTo(0);
            assertThat(r.get("right").asDouble()).as("%s at %d px: %s right edge", name, width, sel).isLessThanOrEqualTo(width);
            assertThat(r.get("shown").asBoolean()).as("%s at %d px: %s is rendered visible", name, width, sel).isTrue();
        }
        for (List<String> apart : apartGroups) assertApart(name, width, apart);
        Path png = b.screenshot(SHOTS.resolve(label + "-" + name + "-" + width + ".png"));
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img.getWidth()).as("screenshot width = page width").isEqualTo(width);
        assertThat(img.getHeight()).isGreaterThan(200);
        assertThat(Chromium.lumaStdDev(img)).as("not a blank page").isGreaterThan(10);
        return png;
    }

    private void assertApart(String name, int width, List<String> apart) {
        for (int i = 0; i < apart.size(); i++) {
            for (int j = i + 1; j < apart.size(); j++) {
                JsonNode a = rect(apart.get(i)), c = rect(apart.get(j));
                assertThat(a.isObject() && c.isObject()).as("%s at %d px: %s and %s exist", name, width, apart.get(i), apart.get(j)).isTrue();
                double ix = Math.min(a.get("right").asDouble(), c.get("right").asDouble()) - Math.max(a.get("left").asDouble(), c.get("left").asDouble());
                double iy = Math.min(a.get("bottom").asDouble(), c.get("bottom").asDouble()) - Math.max(a.get("top").asDouble(), c.get("top").asDouble());
                assertThat(ix > 0.5 && iy > 0.5).as("%s at %d px: %s overlaps %s", name, width, apart.get(i), apart.get(j)).isFalse();
            }
        }
    }

    private JsonNode rect(String selector) {
        return b.eval("(() => { const e = document.querySelector(" + js(selector) + "); if (!e) return null;"
                + " const r = e.getBoundingClientRect(), s = getComputedStyle(e);"
                + " return {left: r.left, right: r.right, top: r.top, bottom: r.bottom, w: r.width, h: r.height,"
                + " shown: s.visibility !== 'hidden' && s.display !== 'none' && +s.opacity > 0 && e.offsetParent !== null}; })()");
    }

    /** A JavaScript string literal (JSON's string syntax is JavaScript's). */
    static String js(String s) {
        try {
            return Json.mapper().writeValueAsString(s);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The job page's key elements, and the blocks that must not overlap, at any width. */
    static final List<String> JOB_VISIBLE = List.of("#job-state", "#question", "#ask-button", "#strip figure.scene",
            "svg#similarity", "#segments li.segment", "#answers article.qa");
    static final List<List<String>> JOB_APART = List.of(List.of("#job-head", "#ask", "#job-scenes", "#job-curve", "#job-segments"),
            List.of("#question", "#ask-button", "#answers article.qa"), List.of("#strip figure.scene:nth-child(1)", "#strip figure.scene:nth-child(2)"));
    static final List<String> HOME_VISIBLE = List.of("#file", "#upload-button", "#job-list li.job", "#job-list li.job progress");
    static final List<List<String>> HOME_APART = List.of(List.of("#upload", "#jobs"), List.of("#file", "#upload-button"),
            List.of("#job-list li.job .job-name", "#job-list li.job .badge", "#job-list li.job progress"));
}
