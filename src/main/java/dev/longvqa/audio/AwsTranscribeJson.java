package dev.longvqa.audio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Amazon Transcribe's job output ({@code results.items}: pronunciation items with
 * {@code start_time}/{@code end_time} as strings, punctuation items without times) as a
 * {@link Transcript}, so the workflow's Transcribe state and the local recognisers feed the
 * passes the same type. Punctuation is attached to the word before it.
 */
public final class AwsTranscribeJson {
    public static final String ENGINE = "aws-transcribe";
    private static final ObjectMapper JSON = dev.longvqa.contract.Json.mapper();

    private AwsTranscribeJson() {}

    public static Transcript parse(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new SpeechToText.TranscriptionException("not Amazon Transcribe output: " + e.getMessage(), e);
        }
        JsonNode items = root.path("results").path("items");
        if (!items.isArray()) throw new SpeechToText.TranscriptionException("Amazon Transcribe output has no results.items");
        List<TimedWord> words = new ArrayList<>();
        for (JsonNode item : items) {
            String content = item.path("alternatives").path(0).path("content").asText("");
            if (content.isEmpty()) continue;
            if ("punctuation".equals(item.path("type").asText())) {
                if (!words.isEmpty()) {
                    TimedWord last = words.removeLast();
                    words.add(new TimedWord(last.startSec(), last.endSec(), last.text() + content));
                }
                continue;
            }
            double start = item.path("start_time").asDouble(Double.NaN), end = item.path("end_time").asDouble(Double.NaN);
            if (Double.isNaN(start) || Double.isNaN(end) || end < start || start < 0) continue;
            words.add(new TimedWord(start, end, content));
        }
        return new Transcript(ENGINE, words);
    }
}
