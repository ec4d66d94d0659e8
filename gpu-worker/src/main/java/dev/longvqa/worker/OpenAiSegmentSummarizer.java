package dev.longvqa.worker;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Default segment pass: one chat request with the segment's scene frames and a fixed,
 * question-independent prompt (as LVCoT's {@code eval/cot.py} does), so the summary is cacheable.
 */
public final class OpenAiSegmentSummarizer implements SegmentSummarizer {
    /** Bump when the prompt changes: old cached summaries then stop matching. */
    static final String PROMPT_VERSION = "seg-v1";
    static final String PROMPT = "Describe this segment of the video in detail: the setting, the people and objects, "
            + "what happens and in which order. Mention times in seconds where you can.";

    private final OpenAiChat chat;
    private final int maxTokens;

    public OpenAiSegmentSummarizer(OpenAiChat chat, int maxTokens) {
        this.chat = chat;
        this.maxTokens = maxTokens;
    }

    @Override
    public String cacheId() {
        return "openai-chat|" + chat.model() + "|" + PROMPT_VERSION + "|max_tokens=" + maxTokens;
    }

    @Override
    public SegmentResult summarize(SegmentRequest r) throws InterruptedException {
        StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "Video segment %d, from %.1fs to %.1fs.%n", r.index(), r.startSec(), r.endSec()));
        if (!r.scenes().isEmpty()) {
            text.append("Scenes: ").append(r.scenes().stream()
                    .map(s -> String.format(Locale.ROOT, "%.1fs-%.1fs", s.startSec(), s.endSec()))
                    .collect(Collectors.joining(", "))).append(".\n");
        }
        if (!r.frames().isEmpty()) {
            text.append("The images are frames at ").append(r.frames().stream()
                    .map(f -> String.format(Locale.ROOT, "%.1fs", f.timeSec()))
                    .collect(Collectors.joining(", "))).append(".\n");
        }
        text.append(PROMPT);
        List<byte[]> images = r.frames().stream().map(FrameImage::jpeg).toList();
        OpenAiChat.Reply reply = chat.complete(null, text.toString(), images, maxTokens);
        return new SegmentResult(reply.text(), reply.tokens());
    }
}
