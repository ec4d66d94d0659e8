package dev.longvqa.cli;

import dev.longvqa.contract.JobQuestion;
import dev.longvqa.contract.Json;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.longvqa.audio.AudioAnalysis;
import dev.longvqa.audio.AudioDecoder;
import dev.longvqa.audio.AudioReport;
import dev.longvqa.audio.SpeechToTexts;
import dev.longvqa.audio.TranscriptCache;
import dev.longvqa.pipeline.AskPipeline;
import dev.longvqa.error.ErrorCode;
import dev.longvqa.error.LongVqaException;
import dev.longvqa.contract.ScenesDocument;
import dev.longvqa.tdc.TdcEngine;
import dev.longvqa.tdc.TdcModelFiles;
import dev.longvqa.tdc.TdcVisualContext;
import dev.longvqa.reason.AskReport;
import dev.longvqa.reason.LanguageModel;
import dev.longvqa.reason.LvcotSettings;
import dev.longvqa.reason.QuestionRule;
import dev.longvqa.reason.SegmentCache;
import dev.longvqa.reason.SegmentRule;
import dev.longvqa.reason.backend.BackendOptions;
import dev.longvqa.reason.backend.HfTokenEmbedder;
import dev.longvqa.reason.backend.LanguageModels;
import dev.longvqa.reason.backend.TokenEmbedder;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code longvqa ask VIDEO "QUESTION"}: the whole local pipeline, answered by a real language model. */
@Command(name = "ask", mixinStandardHelpOptions = true,
        description = "Answer questions about a video: scenes, LVCoT segment passes, a final answer.")
public final class AskCommand implements Callable<Integer> {
    /** The model `ask` uses with nothing configured ({@link CliConfig#llm()}'s default); `local up` uses the same. */
    public static String defaultSpec() {
        return CliConfig.defaults().llm();
    }

    /** The embedded default's hub repository, once pulled; named in the "no model" message. */
    public static final String DEFAULT_MODEL = defaultSpec().substring("runtime:".length());

    @Parameters(index = "0", paramLabel = "VIDEO", description = "video file")
    Path video;

    @Parameters(index = "1", arity = "0..1", paramLabel = "QUESTION", description = "the question")
    String question;

    @Option(names = "--question", paramLabel = "Q", description = "another question (repeatable)")
    List<String> more = new ArrayList<>();

    @Option(names = "--json", description = "print one JSON object on stdout")
    boolean json;

    // No defaultValue here: each option's default is the property of the same name in CliConfig (ConfigDefaults).
    @Option(names = "--llm", paramLabel = "SPEC", description = "language model: " + LanguageModels.HELP
            + " (default: ${DEFAULT-VALUE}, the embedded runtime model unless configured)")
    String llm;

    @Option(names = "--model-name", paramLabel = "NAME", description = "model name to request from an OpenAI-compatible server (default: its first model)")
    String modelName;

    @Option(names = "--lvcot", paramLabel = "RULE", description = "LVCoT segments by sampled frames, MINFRAMES:SEGMENTS,...,else:N (default: ${DEFAULT-VALUE}, the reference's)")
    String lvcotRule;

    @Option(names = "--max-images", description = "frames shown per pass to image-capable models (default: ${DEFAULT-VALUE})")
    int maxImages;

    @Option(names = "--cache-dir", descriptionKey = "cache", paramLabel = "DIR", description = "segment summary and transcript cache (default: ${DEFAULT-VALUE})")
    Path cacheDir;

    @Option(names = "--report", paramLabel = "FILE", description = "also write a self-contained HTML report (scenes, curve, segment summaries, answer, costs)")
    Path report;

    @Option(names = "--no-cache", description = "do not read or write cached segment summaries")
    boolean noCache;

    @Option(names = "--tdc", paramLabel = "DIR", description = "show the video to the model as a TDC context (input embeddings; "
            + "needs runtime: or openai-embeds:) from DIR: *.safetensors (the TDC checkpoint), siglip.pt|.onnx, dinov2.pt|.onnx, "
            + TdcModelFiles.BERT_TOKENIZER)
    Path tdcDir;

    @Option(names = "--tdc-checkpoint", paramLabel = "PATH", description = "TDC checkpoint .safetensors file or shard directory (overrides --tdc's)")
    Path tdcCheckpoint;

    @Option(names = "--siglip", paramLabel = "FILE", description = "SigLIP tower, TorchScript .pt or .onnx (overrides --tdc's)")
    Path siglip;

    @Option(names = "--dinov2", paramLabel = "FILE", description = "DINOv2 tower, TorchScript .pt or .onnx (overrides --tdc's)")
    Path dinov2;

    @Option(names = "--bert-tokenizer", paramLabel = "FILE", description = "bert-base-uncased tokenizer.json (overrides --tdc's)")
    Path bertTokenizer;

    @Option(names = "--budget", description = "TDC: LLM context budget in tokens, 8K (the reference) up to 128K (default: ${DEFAULT-VALUE})")
    String budget;

    @Option(names = "--device", description = "TDC: where the towers and Q-Former run: cpu, gpu or auto (default: ${DEFAULT-VALUE})")
    String device;

    @Option(names = "--tdc-engine", paramLabel = "ENGINE", description = "TDC: what runs the Q-Former: auto (ONNX Runtime on the CPU, "
            + "DJL on a GPU), djl or onnxruntime (default: ${DEFAULT-VALUE})")
    String tdcEngine;

    @Option(names = "--asr", paramLabel = "SPEC", description = "speech recogniser for timed transcripts in every pass: "
            + SpeechToTexts.HELP + " (default: ${DEFAULT-VALUE})")
    String asr;

    @Option(names = "--profile", converter = ProfileConverter.class,
            description = "LVCoT prompts: auto (the reference's with a TDC context, timestamped otherwise), reference, annotated (default: ${DEFAULT-VALUE}; docs/TDC.md lists the deviations)")
    LvcotSettings.Profile profile;

    @Option(names = "--scene-split", converter = SceneSplitConverter.class,
            description = "TDC: scenes inside a context from the reference's adapt_segment (reference) or the cut detector (segmenter) (default: ${DEFAULT-VALUE})")
    TdcVisualContext.SceneSplit sceneSplit;

    static final class ProfileConverter implements picocli.CommandLine.ITypeConverter<LvcotSettings.Profile> {
        @Override
        public LvcotSettings.Profile convert(String v) {
            return LvcotSettings.Profile.valueOf(v.trim().toUpperCase(java.util.Locale.ROOT));
        }
    }

    static final class SceneSplitConverter implements picocli.CommandLine.ITypeConverter<TdcVisualContext.SceneSplit> {
        @Override
        public TdcVisualContext.SceneSplit convert(String v) {
            return TdcVisualContext.SceneSplit.valueOf(v.trim().toUpperCase(java.util.Locale.ROOT));
        }
    }

    @Option(names = "--no-audio", description = "ignore the sound track: no transcript (and no audio tokens with --tdc)")
    boolean noAudio;

    @Option(names = "--beats", paramLabel = "FILE", description = "TDC with audio: BEATs weights converted by tools/beats_to_safetensors.py "
            + "(default: DIR/audio/beats.safetensors when --tdc DIR has one); frames then carry 50 audio tokens per second through the checkpoint's audio_proj")
    Path beats;

    @Mixin
    FrontEndOptions front;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        List<JobQuestion> questions = questions();
        TdcModelFiles tdcFiles = tdcFiles();
        TdcSettings tdcSettings = tdcFiles == null ? null : tdcFiles.settings(tdcSettings());
        // Resolve the model before decoding: a missing model must fail in seconds, not after an hour of video.
        try (HfTokenEmbedder embedder = tokenEmbedder(tdcFiles);
             LanguageModel model = openModel(embedder);
             TdcVisualContext tdc = tdcFiles == null ? null : TdcVisualContext.builder(tdcFiles.visionFiles())
                     .settings(tdcSettings).device(device).engine(TdcEngine.parse(tdcEngine, "--tdc-engine")).listener(tdcStats).beats(beatsFile()).sceneSplit(sceneSplit).loadFor(model)) {
            VideoInfo info = front.sampler().probe(VideoSource.of(video));
            LvcotSettings.Builder settings = LvcotSettings.builder().maxImagesPerPass(maxImages).profile(profile);
            settings.rule(lvcotRule());
            try (Progress progress = new Progress("decode", info.durationSec(), front.progressMode())) {
                AskPipeline pipeline = new AskPipeline(front.detector().frameSide(384).progress(progress).build(),
                        front.detectorId(), model, cache(), settings.build());
                if (tdc != null) pipeline = pipeline.withTdc(tdc);
                if (!noAudio) pipeline = pipeline.withAudio(audioAnalysis());
                try (AskPipeline.Outcome outcome = pipeline.ask(video, questions)) {
                    if (report != null) writeReport(outcome);
                    print(spec.commandLine().getOut(), outcome, model, tdc);
                }
            }
        }
        return 0;
    }

    /** Where {@code --tdc DIR} keeps BEATs: a subfolder, so the file is not taken for a checkpoint shard. */
    static final String BEATS_IN_DIR = "audio/beats.safetensors";

    /** The BEATs file for TDC audio tokens, or null (none given, none in --tdc DIR, or --no-audio). */
    private Path beatsFile() {
        if (noAudio) return null;
        if (beats != null) return beats;
        if (tdcDir != null && java.nio.file.Files.isRegularFile(tdcDir.resolve(BEATS_IN_DIR))) return tdcDir.resolve(BEATS_IN_DIR);
        return null;
    }

    /** Decoding plus the configured recogniser; transcripts cached beside the segment summaries. */
    private AudioAnalysis audioAnalysis() {
        java.util.Optional<dev.longvqa.audio.SpeechToText> engine;
        try {
            engine = SpeechToTexts.fromSpec(asr);
        } catch (IllegalArgumentException e) {
            throw LongVqaException.badInput(ErrorCode.BAD_REQUEST, e.getMessage());
        }
        TranscriptCache transcripts = noCache ? TranscriptCache.none() : TranscriptCache.directory(cacheDirectory());
        return new AudioAnalysis(new AudioDecoder(), engine.orElse(null), transcripts);
    }

    /** Counts TDC contexts built and their time, for --json. */
    private final TdcStats tdcStats = new TdcStats();

    private static final class TdcStats implements TdcVisualContext.Listener {
        int contexts;
        long millis;
        int visualTokens;
        int audioTokens;

        @Override
        public synchronized void built(TdcVisualContext.Built b) {
            contexts++;
            millis += b.millis();
            visualTokens += b.plan().visualTokens();
            audioTokens += b.audioTokens();
        }
    }

    /** The TDC files when any TDC option is given (all must then exist), else null. */
    private TdcModelFiles tdcFiles() {
        if (tdcDir == null && tdcCheckpoint == null && siglip == null && dinov2 == null && bertTokenizer == null) return null;
        return TdcModelFiles.inDirectory(tdcDir, tdcCheckpoint, siglip, dinov2, bertTokenizer).requireExisting();
    }

    private TdcSettings tdcSettings() {
        if (!List.of("cpu", "gpu", "auto").contains(device)) {
            throw LongVqaException.badInput(ErrorCode.BAD_REQUEST, "bad --device '" + device + "': use cpu, gpu or auto");
        }
        TdcEngine.parse(tdcEngine, "--tdc-engine"); // before the model and the towers load
        return BudgetOption.settings(budget);
    }

    private List<JobQuestion> questions() {
        List<String> texts = new ArrayList<>();
        if (question != null) texts.add(question);
        texts.addAll(more);
        if (texts.isEmpty()) throw LongVqaException.badInput(ErrorCode.BAD_QUESTION, "no question given: longvqa ask VIDEO \"QUESTION\"");
        List<JobQuestion> out = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) out.add(QuestionRule.checked(new JobQuestion("q" + i, texts.get(i))));
        return out;
    }

    private String llmSpec() {
        return llm == null || llm.isBlank() ? defaultSpec() : llm;
    }

    private SegmentRule lvcotRule() {
        try {
            return SegmentRule.parse(lvcotRule);
        } catch (IllegalArgumentException e) {
            throw LongVqaException.badInput(ErrorCode.BAD_REQUEST, "bad --lvcot '" + lvcotRule + "': " + e.getMessage());
        }
    }

    /**
     * openai-embeds: sends the whole prompt as embeddings, so the text needs the LLM's tokenizer
     * and embedding table: with TDC they come from the TDC checkpoint (the full HF checkpoint).
     */
    private HfTokenEmbedder tokenEmbedder(TdcModelFiles tdcFiles) {
        if (tdcFiles == null || !llmSpec().startsWith("openai-embeds:")) return null;
        return tdcFiles.llmEmbedding().map(e -> new HfTokenEmbedder(e.tokenizerJson(), e.shard(), e.tensor())).orElse(null);
    }

    private LanguageModel openModel(TokenEmbedder embedder) {
        String specString = llmSpec();
        try {
            return LanguageModels.fromSpec(specString, BackendOptions.builder().model(modelName).tokenEmbedder(embedder).build());
        } catch (LongVqaException e) {
            if (e.code() != ErrorCode.MODEL_UNAVAILABLE || !specString.startsWith("runtime:")) throw e;
            // The store's message already names the model, why it is missing and where its files go:
            // add only the other way out, a model server.
            throw new LongVqaException(ErrorCode.MODEL_UNAVAILABLE, e.getMessage()
                    + ". Or point --llm at a server: openai:http://HOST:PORT/v1, gguf:PATH, bedrock:MODEL_ID", e);
        }
    }

    private void writeReport(AskPipeline.Outcome o) throws java.io.IOException {
        ScenesDocument doc = o.scenes().document(video.toString());
        var thumbs = dev.longvqa.report.ThumbnailCollector.forScenes(doc,
                t -> o.frames().image(o.frames().nearest(t)), dev.longvqa.report.ThumbnailCollector.DEFAULT_MAX_SIDE);
        var data = new dev.longvqa.report.ReportData(doc, thumbs, AskReport.of(o.answers()));
        if (!noAudio) data = data.withAudio(AudioReport.of(o.audio()));
        dev.longvqa.report.ReportWriter.write(report, data);
    }

    private SegmentCache cache() {
        if (noCache) return SegmentCache.none();
        return SegmentCache.directory(cacheDirectory());
    }

    private Path cacheDirectory() {
        return cacheDir;
    }

    private void print(PrintWriter out, AskPipeline.Outcome o, LanguageModel model, TdcVisualContext tdc) throws Exception {
        AskReport report = AskReport.of(o.answers());
        if (!json) {
            // bad sound never fails the job, but the user should know the answer was made without it
            for (String w : o.audio().warnings()) spec.commandLine().getErr().println("warning: " + w);
            if (report.answers().size() == 1) {
                out.println(report.answer());
            } else {
                report.answers().forEach(a -> out.println(a.questionId() + ": " + a.answer()));
            }
            return;
        }
        ObjectMapper mapper = Json.mapper();
        ObjectNode doc = mapper.valueToTree(o.scenes().document(video.toString()));
        doc.put("answer", report.answer());
        doc.put("model", model.id());
        doc.set("answers", mapper.valueToTree(report.answers()));
        doc.set("segments", mapper.valueToTree(report.segments()));
        ObjectNode tokens = doc.putObject("tokens");
        tokens.put("prompt", report.tokens().prompt());
        tokens.put("completion", report.tokens().completion());
        tokens.put("requests", report.tokens().requests());
        tokens.set("passes", mapper.valueToTree(report.passes()));
        ObjectNode timings = doc.putObject("timings");
        timings.put("decodeMs", o.scenes().decodeMillis());
        timings.put("segmentMs", o.scenes().segmentMillis());
        timings.put("segmentPassesMs", report.timings().segmentsMs());
        timings.put("answerPassesMs", report.timings().answersMs());
        timings.put("totalMs", o.totalMillis());
        if (!noAudio) {
            doc.set("audio", mapper.valueToTree(AudioReport.of(o.audio())));
            timings.put("audioDecodeMs", o.audio().decodeMillis());
            timings.put("transcribeMs", o.audio().transcribeMillis());
        }
        if (tdc != null) {
            timings.put("tdcMs", tdcStats.millis);
            doc.putObject("tdc").put("cacheId", tdc.cacheId()).put("budget", tdc.settings().budget())
                    .put("hiddenSize", tdc.hiddenSize()).put("engine", tdc.engine().value()).put("contexts", tdcStats.contexts).put("visualTokens", tdcStats.visualTokens)
                    .put("audioTokens", tdcStats.audioTokens).put("audio", tdc.hasAudio());
        }
        out.println(mapper.writeValueAsString(doc));
    }
}
