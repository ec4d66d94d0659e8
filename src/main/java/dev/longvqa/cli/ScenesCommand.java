package dev.longvqa.cli;

import dev.longvqa.contract.Json;
import dev.longvqa.pipeline.SceneDetector;
import dev.longvqa.contract.ScenesDocument;
import dev.longvqa.pipeline.ScenesResult;
import dev.longvqa.scenes.Scene;
import dev.longvqa.video.FrameSampler;
import dev.longvqa.video.VideoSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code longvqa scenes VIDEO}: sample, embed and cut a video into scenes. */
@Command(name = "scenes", mixinStandardHelpOptions = true,
        description = "Cut a video into scenes (decode, sample, embed, segment).")
final class ScenesCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "VIDEO", description = "video file")
    Path video;

    @Option(names = "--json", description = "print one JSON object on stdout")
    boolean json;

    @Option(names = "--report", paramLabel = "FILE", description = "also write a self-contained HTML report (thumbnails, similarity curve, cuts)")
    Path report;

    @Mixin
    FrontEndOptions front;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        VideoSource source = VideoSource.of(video);
        SceneDetector.Builder builder = front.detector();
        Terminal.Mode mode = front.progressMode();
        // Only a progress display needs the length before decoding; without one the file is opened
        // once less (the decode checks it the same way).
        double total = mode == Terminal.Mode.NONE ? Double.NaN : front.sampler().probe(source).durationSec();
        ScenesResult result;
        dev.longvqa.report.ThumbnailCollector thumbs = report == null ? null : new dev.longvqa.report.ThumbnailCollector();
        try (Progress progress = new Progress("decode", total, mode)) {
            result = builder.progress(progress).build().detect(source, thumbs);
        }
        if (report != null) {
            ScenesDocument doc = result.document(video.toString());
            dev.longvqa.report.ReportWriter.write(report, dev.longvqa.report.ReportData.of(doc, thumbs.forScenes(doc)));
        }
        print(spec.commandLine().getOut(), result);
        return 0;
    }

    private void print(java.io.PrintWriter out, ScenesResult r) throws Exception {
        ScenesDocument doc = r.document(video.toString());
        if (json) {
            out.println(Json.mapper().writeValueAsString(doc));
            return;
        }
        out.printf(Locale.ROOT, "%s: %.1f s, %d sampled frames (%s), %d cuts, %d scenes%n", video,
                r.durationSec(), r.sampledFrames(), r.sampling(), doc.cutsSec().size(), doc.scenes().size());
        for (Scene s : r.segmentation().scenes()) {
            out.printf(Locale.ROOT, "  scene %2d  %s - %s  (%d frames)%n", s.index(), clock(s.startSec()),
                    clock(s.endSec()), s.frameCount());
        }
    }

    static String clock(double sec) {
        long ms = Math.round(sec * 1000);
        return String.format(Locale.ROOT, "%d:%02d:%02d.%03d", ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
    }

}
