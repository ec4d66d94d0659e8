package dev.longvqa.cli;

import dev.longvqa.contract.Json;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.longvqa.pipeline.ScenesResult;
import dev.longvqa.scenes.Scene;
import dev.longvqa.tdc.ContextPlan;
import dev.longvqa.tdc.TdcPlanner;
import dev.longvqa.tdc.TdcSettings;
import dev.longvqa.video.VideoInfo;
import dev.longvqa.video.VideoSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code longvqa plan VIDEO}: the TDC context a video would get, without running any model. */
@Command(name = "plan", mixinStandardHelpOptions = true,
        description = "Show the TDC context a video would get (frames, chunks, tokens, LVCoT segments) without running a model.")
final class PlanCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "VIDEO")
    Path video;

    @Option(names = "--json", description = "print one JSON object on stdout")
    boolean json;

    @Option(names = "--budget", description = "LLM context budget in tokens, e.g. 8K (the reference) up to 128K (default: ${DEFAULT-VALUE})")
    String budget;

    @Option(names = "--text-tokens", description = "tokens of the question and prompt text (default: ${DEFAULT-VALUE})")
    int textTokens;

    @Option(names = "--no-audio", description = "plan without audio tokens even when the video has sound (a TDC checkpoint not trained with audio)")
    boolean noAudio;

    @Mixin
    FrontEndOptions front;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        TdcSettings settings = BudgetOption.settings(budget);
        VideoSource source = VideoSource.of(video);
        VideoInfo info = front.sampler().probe(source);
        ScenesResult scenes;
        try (Progress progress = new Progress("decode", info.durationSec(), front.progressMode())) {
            scenes = front.detector().progress(progress).build().detect(source);
        }
        List<Integer> perScene = scenes.segmentation().scenes().stream().map(Scene::frameCount).toList();
        // the reference's audio-trained checkpoints give every frame 50 BEATs tokens when the video has sound
        boolean audio = info.hasAudio() && !noAudio;
        if (audio) settings = settings.withAudioTokens(dev.longvqa.audio.AudioTokens.PER_SECOND);
        ContextPlan plan = TdcPlanner.plan(perScene, textTokens, settings);
        int audioInContext = TdcPlanner.audioTokensKept(plan, settings.staticFrameTokens(), settings.audioTokens());
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectMapper mapper = Json.mapper();
            ObjectNode doc = mapper.createObjectNode().put("video", video.toString())
                    .put("durationSec", Math.round(scenes.durationSec() * 1000) / 1000.0)
                    .put("sampledFrames", scenes.sampledFrames()).put("budget", settings.budget());
            doc.setAll((ObjectNode) mapper.valueToTree(plan));
            ObjectNode a = doc.putObject("audio").put("stream", info.hasAudio()).put("used", audio)
                    .put("tokensPerSecond", settings.audioTokens()).put("tokensPerFrame", settings.audioTokens())
                    // every shown frame's audio is encoded; the static frames keep theirs, the others reach the Q-Former
                    .put("encodedTokens", settings.audioTokens() * plan.frames()).put("inContext", audioInContext);
            if (!info.hasAudio()) a.put("note", "no audio stream: the context has no audio tokens");
            out.println(mapper.writeValueAsString(doc));
        } else {
            out.printf(Locale.ROOT, "%s: %d sampled frames, budget %d tokens%n", video, scenes.sampledFrames(), settings.budget());
            out.printf(Locale.ROOT, "  frames %d in %d scenes, %d chunks%s%n", plan.frames(), plan.scenes(), plan.chunks(),
                    plan.trimPerChunk() > 0 ? String.format(Locale.ROOT, "; over budget, %d tokens trimmed from every chunk's end"
                            + " (%d frames keep tokens)", plan.trimPerChunk(), plan.framesWithTokens()) : "");
            out.printf(Locale.ROOT, "  tokens: %d static + %d compressed + %d separators + %d text = %d%n", plan.staticTokens(),
                    plan.compressedTokens(), plan.separatorTokens(), plan.textTokens(), plan.totalTokens());
            out.printf(Locale.ROOT, "  LVCoT segments: %d%n", plan.lvcotSegments());
            out.printf(Locale.ROOT, "  audio: %s%n", audio ? String.format(Locale.ROOT,
                    "%d tokens per second (BEATs), %d encoded for %d frames, %d in the context (static frames; the rest go through the Q-Former)",
                    settings.audioTokens(), settings.audioTokens() * plan.frames(), plan.frames(), audioInContext)
                    : info.hasAudio() ? "off (--no-audio)" : "none (no audio stream)");
        }
        return 0;
    }
}
