package dev.longvqa.audio;

import java.util.List;

/**
 * The audio part of a result, as JSON ({@code ask --json}'s {@code audio}) and in the HTML
 * report: what the sound track was, the warnings, the timed transcript and what it cost.
 *
 * @param transcript null when no transcript was made
 */
public record AudioReport(String audio, List<String> warnings, Transcript transcript, long decodeMs, long transcribeMs,
                          boolean transcriptCached) {
    public AudioReport {
        warnings = List.copyOf(warnings);
    }

    public static AudioReport of(AudioAnalysis.Result r) {
        return new AudioReport(r.audio().describe(), r.warnings(), r.transcript(), r.decodeMillis(), r.transcribeMillis(), r.transcriptCached());
    }
}
