package dev.longvqa.report;

import dev.longvqa.contract.SegmentSummary;
import dev.longvqa.contract.ScenesDocument;
import dev.longvqa.contract.ScenesDocument.CurveEntry;
import dev.longvqa.contract.ScenesDocument.SceneEntry;
import dev.longvqa.reason.AnswerOutput;
import dev.longvqa.audio.AudioReport;
import dev.longvqa.reason.AskReport;
import dev.longvqa.reason.PassRecord;
import dev.longvqa.video.Images;
import dev.longvqa.video.RgbImage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * Writes one self-contained HTML page about a video: facts, a strip of scene thumbnails, the
 * similarity curve with its cuts, LVCoT segment summaries, questions and answers, and costs.
 *
 * <p>Self-contained means it opens from a mail attachment or an S3 console download: images are
 * inline {@code data:} JPEGs, the chart is inline SVG, styles are inline, and a
 * Content-Security-Policy forbids loading anything else, scripts included. Every piece of text
 * (file names, questions, model output) is user- or model-controlled and goes through
 * {@link #esc}.
 *
 * <p>Stable hooks for tests and tools: {@code figure.scene[data-index][data-start][data-end]
 * [data-representative]}, {@code svg#similarity} with {@code line.cut[data-time]} and
 * {@code rect.scene-band[data-index]}, {@code li.segment[data-index][data-start][data-end]},
 * {@code article.qa[data-question-id]} with {@code .question} and {@code .answer},
 * {@code table#costs}, {@code table#facts}. Times in data attributes are seconds with 3 decimals.
 */
public final class ReportWriter {
    static final int CHART_W = 1200, CHART_H = 260;
    private static final int PAD_L = 48, PAD_R = 12, PAD_T = 12, PAD_B = 28;

    private ReportWriter() {}

    /** Writes the report to {@code out} (via a temporary file, so a reader never sees half a page). */
    public static void write(Path out, ReportData data) throws IOException {
        Path abs = out.toAbsolutePath();
        if (abs.getParent() != null) Files.createDirectories(abs.getParent());
        Path tmp = Files.createTempFile(abs.getParent(), ".report-", ".html.tmp");
        try {
            Files.writeString(tmp, render(data), StandardCharsets.UTF_8);
            // Temporary files are created owner-only; a report is meant to be shared like any output file.
            try {
                Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            } catch (UnsupportedOperationException notPosix) {
                // Windows: the default ACL is fine.
            }
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    public static String render(ReportData data) {
        ScenesDocument doc = data.scenes();
        StringBuilder h = new StringBuilder(64 * 1024);
        String name = fileName(doc.video());
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
                // Nothing may leave the page: no fetches, no scripts; only inline styles and data: images.
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>longvqa report: ").append(esc(name)).append("</title>\n<style>").append(CSS).append("</style></head>\n<body>\n");
        h.append("<header><h1>").append(esc(name)).append("</h1><p class=\"sub\">")
                .append(doc.scenes().size()).append(" scenes, ").append(doc.cutsSec().size()).append(" cuts")
                .append(merged(doc) > 0 ? " (" + merged(doc) + " merged away by the scene limit)" : "").append(", ")
                .append(esc(clock(doc.durationSec()))).append("</p></header>\n");
        facts(h, doc);
        if (data.ask() != null) answers(h, data.ask());
        strip(h, data);
        if (data.audio() != null) speech(h, data.audio());
        chart(h, doc);
        if (data.ask() != null) segments(h, data.ask());
        costs(h, doc, data.ask(), data.audio());
        h.append("<footer>longvqa · self-contained report, no network resources</footer>\n</body></html>\n");
        return h.toString();
    }

    private static void facts(StringBuilder h, ScenesDocument d) {
        ScenesDocument.Stream s = d.stream();
        h.append("<section id=\"video\"><h2>Video</h2><table id=\"facts\">\n");
        row(h, "file", d.video());
        row(h, "duration", clock(d.durationSec()) + " (" + num(d.durationSec()) + " s)");
        if (s != null) {
            row(h, "container / codec", s.container() + " / " + s.codec());
            row(h, "frame size", s.width() + "×" + s.height()
                    + (s.displayWidth() != s.width() || s.displayHeight() != s.height() ? " (displayed " + s.displayWidth() + "×" + s.displayHeight() + ")" : "")
                    + (s.rotation() != 0 ? ", rotated " + s.rotation() + "°" : ""));
            row(h, "frame rate", num(s.frameRate()) + " fps");
            row(h, "audio", s.hasAudio() ? "yes" : "no");
        }
        row(h, "sampled frames", d.sampledFrames() + " (" + d.sampling() + ")");
        row(h, "embedder", d.embedder());
        h.append("</table></section>\n");
    }

    private static void strip(StringBuilder h, ReportData data) {
        ScenesDocument d = data.scenes();
        h.append("<section id=\"scenes\"><h2>Scenes</h2><div class=\"strip\">\n");
        for (SceneEntry s : d.scenes()) {
            h.append("<figure class=\"scene\" id=\"scene-").append(s.index()).append("\" data-index=\"").append(s.index())
                    .append("\" data-start=\"").append(sec(s.startSec())).append("\" data-end=\"").append(sec(s.endSec()))
                    .append("\" data-representative=\"").append(sec(s.representativeSec())).append("\">");
            RgbImage img = data.thumbnails().get(s.index());
            if (img != null) {
                h.append("<img alt=\"scene ").append(s.index()).append(" at ").append(esc(clock(s.representativeSec())))
                        .append("\" width=\"").append(img.width()).append("\" height=\"").append(img.height())
                        .append("\" src=\"data:image/jpeg;base64,").append(Base64.getEncoder().encodeToString(Images.toJpeg(img))).append("\">");
            } else {
                h.append("<div class=\"noimg\">no frame</div>");
            }
            h.append("<figcaption><b>#").append(s.index()).append("</b> ").append(esc(clock(s.startSec()))).append("–")
                    .append(esc(clock(s.endSec()))).append("<br><span class=\"rep\">frame at ").append(esc(clock(s.representativeSec())))
                    .append(" · ").append(s.frameCount()).append(" frames</span></figcaption></figure>\n");
        }
        h.append("</div></section>\n");
    }

    /** Under the scene strip: the sound track, its warnings and the timed transcript. */
    private static void speech(StringBuilder h, AudioReport a) {
        h.append("<section id=\"speech\"><h2>Speech</h2><p class=\"meta\">").append(esc(a.audio()));
        if (a.transcript() != null) {
            h.append(" · transcript by ").append(esc(a.transcript().engine())).append(a.transcriptCached() ? " (cached)" : "");
        }
        h.append("</p>\n");
        for (String w : a.warnings()) h.append("<p class=\"warning\">").append(esc(w)).append("</p>\n");
        if (a.transcript() != null) {
            var lines = a.transcript().lines(0, Double.MAX_VALUE);
            if (lines.isEmpty()) h.append("<p class=\"meta\">No speech recognised.</p>\n");
            h.append("<ol class=\"transcript\">\n");
            for (var l : lines) {
                h.append("<li class=\"utterance\" data-start=\"").append(sec(l.startSec())).append("\" data-end=\"").append(sec(l.endSec()))
                        .append("\"><span class=\"t\">").append(esc(clock(l.startSec()))).append("</span> ").append(esc(l.text())).append("</li>\n");
            }
            h.append("</ol>\n");
        }
        h.append("</section>\n");
    }

    private static void chart(StringBuilder h, ScenesDocument d) {
        List<CurveEntry> curve = d.similarity();
        double dur = d.durationSec() > 0 ? d.durationSec() : 1;
        // The y range starts at the curve's floor (rounded down to 0.1) so that dips read clearly,
        // and ends at 1 (identical neighbours).
        double lo = curve.stream().mapToDouble(CurveEntry::similarity).min().orElse(0);
        lo = Math.min(0.9, Math.floor(Math.min(lo, 1) * 10) / 10);
        double hi = 1;
        int pw = CHART_W - PAD_L - PAD_R, ph = CHART_H - PAD_T - PAD_B;
        h.append("<section id=\"curve\"><h2>Similarity between consecutive sampled frames</h2>\n")
                .append("<svg id=\"similarity\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ").append(CHART_W).append(' ').append(CHART_H)
                .append("\" width=\"100%\" role=\"img\" aria-label=\"similarity curve with cuts\" data-duration=\"").append(sec(d.durationSec()))
                .append("\" data-min=\"").append(num(lo)).append("\" data-max=\"").append(num(hi)).append("\">\n");
        for (SceneEntry s : d.scenes()) {
            h.append("<rect class=\"scene-band").append(s.index() % 2 == 0 ? " even" : " odd").append("\" data-index=\"").append(s.index())
                    .append("\" x=\"").append(px(PAD_L + s.startSec() / dur * pw)).append("\" y=\"").append(PAD_T)
                    .append("\" width=\"").append(px(Math.max(0, (s.endSec() - s.startSec()) / dur * pw))).append("\" height=\"").append(ph)
                    .append("\"><title>scene ").append(s.index()).append(": ").append(esc(clock(s.startSec()))).append("–")
                    .append(esc(clock(s.endSec()))).append("</title></rect>\n");
        }
        // y grid and labels
        for (int i = 0; i <= 4; i++) {
            double v = lo + (hi - lo) * i / 4;
            double y = PAD_T + ph - (v - lo) / (hi - lo) * ph;
            h.append("<line class=\"grid\" x1=\"").append(PAD_L).append("\" x2=\"").append(PAD_L + pw).append("\" y1=\"").append(px(y))
                    .append("\" y2=\"").append(px(y)).append("\"/><text class=\"axis\" x=\"").append(PAD_L - 6).append("\" y=\"").append(px(y + 4))
                    .append("\" text-anchor=\"end\">").append(String.format(Locale.ROOT, "%.2f", v)).append("</text>\n");
        }
        // x ticks at a round step that gives 5-12 ticks
        double step = tickStep(dur);
        for (double t = 0; t <= dur + 1e-9; t += step) {
            double x = PAD_L + t / dur * pw;
            String anchor = t == 0 ? "start" : t + step > dur + 1e-9 && dur - t < step / 2 ? "end" : "middle"; // keep edge labels inside
            h.append("<text class=\"axis\" x=\"").append(px(x)).append("\" y=\"").append(CHART_H - 8).append("\" text-anchor=\"").append(anchor).append("\">")
                    .append(esc(clock(t))).append("</text>\n");
        }
        if (!curve.isEmpty()) {
            h.append("<polyline class=\"curve\" points=\"");
            for (CurveEntry p : curve) {
                double v = Math.max(lo, Math.min(hi, p.similarity()));
                h.append(px(PAD_L + p.timeSec() / dur * pw)).append(',').append(px(PAD_T + ph - (v - lo) / (hi - lo) * ph)).append(' ');
            }
            h.setLength(h.length() - 1);
            h.append("\"/>\n");
        }
        for (double c : d.cutsSec()) {
            double x = PAD_L + c / dur * pw;
            boolean boundary = isBoundary(d, c);
            h.append("<line class=\"cut").append(boundary ? "" : " merged").append("\" data-time=\"").append(sec(c)).append("\" x1=\"").append(px(x)).append("\" x2=\"").append(px(x))
                    .append("\" y1=\"").append(PAD_T).append("\" y2=\"").append(PAD_T + ph).append("\"><title>cut at ")
                    .append(esc(clock(c))).append(boundary ? "" : " (merged: not a scene boundary)").append("</title></line>\n");
        }
        for (SceneEntry s : d.scenes()) {
            h.append("<circle class=\"representative\" data-index=\"").append(s.index()).append("\" cx=\"")
                    .append(px(PAD_L + s.representativeSec() / dur * pw)).append("\" cy=\"").append(PAD_T + ph).append("\" r=\"4\"/>\n");
        }
        h.append("</svg><p class=\"legend\"><span class=\"k cutk\"></span> cut (scene boundary) ");
        if (merged(d) > 0) h.append("<span class=\"k mergedk\"></span> cut merged away by the scene limit ");
        h.append("<span class=\"k bandk\"></span> scene <span class=\"k repk\"></span> representative frame</p></section>\n");
    }

    /**
     * Detected cuts and scene boundaries differ when the scene limit (S) merged scenes: the
     * document keeps every detected cut. A cut is a boundary if a scene starts there.
     */
    static boolean isBoundary(ScenesDocument d, double cut) {
        for (SceneEntry s : d.scenes()) if (s.index() > 0 && Math.abs(s.startSec() - cut) < 1e-3) return true;
        return false;
    }

    static int merged(ScenesDocument d) {
        int n = 0;
        for (double c : d.cutsSec()) if (!isBoundary(d, c)) n++;
        return n;
    }

    private static void answers(StringBuilder h, AskReport a) {
        h.append("<section id=\"answers\"><h2>Questions and answers</h2>\n");
        for (AnswerOutput o : a.answers()) {
            h.append("<article class=\"qa\" data-question-id=\"").append(esc(o.questionId())).append("\"><p class=\"question\">")
                    .append(esc(o.question())).append("</p><p class=\"answer\">").append(esc(o.answer()))
                    .append("</p><p class=\"meta\">").append(o.promptTokens()).append(" prompt + ").append(o.completionTokens())
                    .append(" completion tokens · ").append(o.millis()).append(" ms · finish: ").append(esc(o.finishReason()))
                    .append("</p></article>\n");
        }
        h.append("<p class=\"meta\">model ").append(esc(a.model())).append("</p></section>\n");
    }

    private static void segments(StringBuilder h, AskReport a) {
        h.append("<section id=\"segments\"><h2>LVCoT segment summaries</h2>");
        if (a.segments().isEmpty()) {
            h.append("<p class=\"meta\">The video is short enough to be answered in one pass: no segment summaries.</p>");
        }
        h.append("<ol class=\"segments\">\n");
        for (SegmentSummary s : a.segments()) {
            h.append("<li class=\"segment\" data-index=\"").append(s.index()).append("\" data-start=\"").append(sec(s.startSec()))
                    .append("\" data-end=\"").append(sec(s.endSec())).append("\"><h3>").append(esc(clock(s.startSec()))).append("–")
                    .append(esc(clock(s.endSec()))).append("</h3><p class=\"summary\">").append(esc(s.summary())).append("</p></li>\n");
        }
        h.append("</ol></section>\n");
    }

    private static void costs(StringBuilder h, ScenesDocument d, AskReport a, AudioReport audio) {
        h.append("<section id=\"cost\"><h2>Costs</h2><table id=\"costs\"><thead><tr><th>stage</th><th>time</th>"
                + "<th>prompt tokens</th><th>completion tokens</th><th>requests</th></tr></thead><tbody>\n");
        if (d.timings() != null) {
            costRow(h, "decode + sample + embed", d.timings().decodeMs(), "", "", "");
            costRow(h, "segment (scene cuts)", d.timings().segmentMs(), "", "", "");
        }
        if (audio != null) {
            costRow(h, "audio decode", audio.decodeMs(), "", "", "");
            if (audio.transcript() != null) costRow(h, "transcript" + (audio.transcriptCached() ? " (cached)" : ""), audio.transcribeMs(), "", "", "");
        }
        if (a != null) {
            for (PassRecord p : a.passes()) {
                costRow(h, p.kind() + " " + p.index() + (p.cached() ? " (cached)" : ""), p.millis(),
                        String.valueOf(p.promptTokens()), String.valueOf(p.completionTokens()), p.cached() ? "0" : "1");
            }
            costRow(h, "LVCoT segments", a.timings().segmentsMs(), "", "", "");
            costRow(h, "answers", a.timings().answersMs(), "", "", "");
        }
        h.append("</tbody><tfoot>");
        long total = (d.timings() == null ? 0 : d.timings().decodeMs() + d.timings().segmentMs()) + (a == null ? 0 : a.timings().totalMs())
                + (audio == null ? 0 : audio.decodeMs() + audio.transcribeMs());
        h.append("<tr class=\"total\"><th>total</th><td>").append(esc(duration(total))).append("</td>");
        if (a != null) {
            h.append("<td>").append(a.tokens().prompt()).append("</td><td>").append(a.tokens().completion()).append("</td><td>")
                    .append(a.tokens().requests()).append("</td>");
        } else {
            h.append("<td></td><td></td><td></td>");
        }
        h.append("</tr></tfoot></table></section>\n");
    }

    private static void costRow(StringBuilder h, String stage, long ms, String prompt, String completion, String requests) {
        h.append("<tr><th>").append(esc(stage)).append("</th><td data-ms=\"").append(ms).append("\">").append(esc(duration(ms)))
                .append("</td><td>").append(prompt).append("</td><td>").append(completion).append("</td><td>").append(requests).append("</td></tr>\n");
    }

    private static void row(StringBuilder h, String k, String v) {
        h.append("<tr><th>").append(esc(k)).append("</th><td>").append(esc(v)).append("</td></tr>\n");
    }

    /** HTML text and attribute escaping; enough for element content and double- or single-quoted attributes. */
    static String esc(String s) {
        if (s == null) return "";
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> {
                    // Control characters other than tab/newline are not allowed in HTML text.
                    if (c < 0x20 && c != '\n' && c != '\t' && c != '\r') b.append('\uFFFD');
                    else b.append(c);
                }
            }
        }
        return b.toString();
    }

    static String fileName(String path) {
        if (path == null || path.isEmpty()) return "video";
        int slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
        return slash >= 0 && slash < path.length() - 1 ? path.substring(slash + 1) : path;
    }

    /** 75.25 → "1:15.3"; an hour or more → "1:02:03". */
    static String clock(double sec) {
        if (!(sec >= 0)) sec = 0;
        long tenths = Math.round(sec * 10);
        long s = tenths / 10, h = s / 3600;
        if (h > 0) return String.format(Locale.ROOT, "%d:%02d:%02d", h, s / 60 % 60, s % 60);
        return String.format(Locale.ROOT, "%d:%02d.%d", s / 60, s % 60, tenths % 10);
    }

    static String duration(long ms) {
        if (ms < 1000) return ms + " ms";
        if (ms < 60_000) return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
        return String.format(Locale.ROOT, "%d min %.0f s", ms / 60_000, (ms % 60_000) / 1000.0);
    }

    private static double tickStep(double dur) {
        double[] steps = {1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600};
        for (double s : steps) if (dur / s <= 12) return s;
        return 7200;
    }

    private static String sec(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }

    private static String num(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%.3f", v).replaceAll("0+$", "");
    }

    private static String px(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    /**
     * The web module's report.css: the same rules style the report and the web page's job view
     * (scene strip, similarity chart, segments), so the two cannot drift apart.
     */
    private static final String CSS = readCss();

    private static String readCss() {
        try (var in = ReportWriter.class.getResourceAsStream("/dev/longvqa/web/static/report.css")) {
            if (in == null) throw new IllegalStateException("report.css is missing from the class path (module longvqa-web)");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
