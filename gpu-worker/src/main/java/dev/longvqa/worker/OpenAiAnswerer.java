package dev.longvqa.worker;

import java.util.List;
import java.util.Locale;

/**
 * Default final pass: the segment summaries inside {@code <think>…</think>}, then the question
 * (LVCoT's layout), text only.
 */
public final class OpenAiAnswerer implements Answerer {
    private final OpenAiChat chat;
    private final int maxTokens;

    public OpenAiAnswerer(OpenAiChat chat, int maxTokens) {
        this.chat = chat;
        this.maxTokens = maxTokens;
    }

    @Override
    public String modelId() {
        return "openai-chat|" + chat.model();
    }

    @Override
    public AnswerResult answer(AnswerRequest r) throws InterruptedException {
        StringBuilder text = new StringBuilder();
        if (!r.segments().isEmpty()) {
            text.append("<think>\n");
            for (SegmentSummary s : r.segments()) {
                text.append(String.format(Locale.ROOT, "[%.1fs-%.1fs] ", s.startSec(), s.endSec())).append(s.summary()).append('\n');
            }
            text.append("</think>\n");
        }
        text.append(r.question().text());
        OpenAiChat.Reply reply = chat.complete("You answer questions about a video from notes on its segments.",
                text.toString(), List.of(), maxTokens);
        return new AnswerResult(reply.text(), reply.tokens());
    }
}
