package dev.longvqa.worker.audio;

import dev.longvqa.audio.AudioTrack;
import dev.longvqa.audio.Transcript;

/**
 * The sound of one task's video, as far as its passes use it: the job's timed transcript (null:
 * none, and every prompt is exactly what it was before audio support), the decoded track for
 * audio tokens in a TDC context (null: none; owned by the handler that decoded it) and what
 * getting them cost this task.
 */
public record TaskAudio(Transcript transcript, AudioTrack track, AudioCost cost) {
    public static final TaskAudio NONE = new TaskAudio(null, null, AudioCost.NONE);

    public TaskAudio {
        cost = cost == null ? AudioCost.NONE : cost;
    }

    public TaskAudio(Transcript transcript, AudioCost cost) {
        this(transcript, null, cost);
    }

    /** The same with the decoded track for audio tokens, and the decoding's time added to the cost. */
    public TaskAudio withTrack(AudioTrack track, long decodeMs) {
        return new TaskAudio(transcript, track, cost.plus(new AudioCost(0, decodeMs, 0)));
    }

    /** The transcript text a pass over {@code [startSec, endSec)} gets ("" when nothing was said there). */
    public String notes(double startSec, double endSec) {
        return transcript == null ? "" : transcript.render(startSec, endSec);
    }

    public boolean hasSpeech() {
        return transcript != null && !transcript.isEmpty();
    }

    /**
     * What the transcript adds to a segment summary's cache identity: {@code :asr=ENGINE} when it
     * has words (as {@code longvqa ask} keys its summaries), so switching engines, or turning the
     * transcript on, never serves a summary made from other text; "" when the pass saw none.
     */
    public String cacheSuffix() {
        return hasSpeech() ? ":asr=" + transcript.engine() : "";
    }
}
