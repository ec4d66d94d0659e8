package dev.longvqa.audio;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class AwsTranscribeJsonTest {
    // the shape of a Transcribe job's output file (times are strings; punctuation has none)
    static final String OUTPUT = """
            {"jobName":"j","accountId":"1","status":"COMPLETED","results":{"transcripts":[{"transcript":"Hello, world. Three"}],
             "items":[{"id":0,"start_time":"0.54","end_time":"0.9","alternatives":[{"confidence":"0.99","content":"Hello"}],"type":"pronunciation"},
                      {"id":1,"alternatives":[{"confidence":"0.0","content":","}],"type":"punctuation"},
                      {"id":2,"start_time":"1.0","end_time":"1.4","alternatives":[{"confidence":"0.98","content":"world"}],"type":"pronunciation"},
                      {"id":3,"alternatives":[{"confidence":"0.0","content":"."}],"type":"punctuation"},
                      {"id":4,"start_time":"12.1","end_time":"12.5","alternatives":[{"confidence":"0.9","content":"Three"}],"type":"pronunciation"}]}}
            """;

    @Test
    void pronunciationsBecomeTimedWordsWithTheirPunctuation() {
        Transcript t = AwsTranscribeJson.parse(OUTPUT);
        assertEquals(AwsTranscribeJson.ENGINE, t.engine());
        assertEquals(List.of(new TimedWord(0.54, 0.9, "Hello,"), new TimedWord(1.0, 1.4, "world."), new TimedWord(12.1, 12.5, "Three")), t.words());
        assertEquals("Speech (automatic transcript, may contain errors): [0s] Hello, world. [12s] Three", t.render(0, 20));
        assertEquals("", t.render(2, 12));
    }

    @Test
    void somethingElseIsATypedFailure() {
        assertThrows(SpeechToText.TranscriptionException.class, () -> AwsTranscribeJson.parse("{\"results\":{}}"));
        assertThrows(SpeechToText.TranscriptionException.class, () -> AwsTranscribeJson.parse("not json"));
    }
}
