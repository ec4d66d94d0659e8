package dev.longvqa.worker.audio;

/**
 * What a task's audio cost, reported beside the visual costs: {@code audioTokens} BEATs tokens in
 * the TDC contexts it built, {@code decodeMs} decoding the sound track, {@code transcribeMs}
 * running the recogniser (0 when the transcript was already made for the job or the video).
 */
public record AudioCost(long audioTokens, long decodeMs, long transcribeMs) {
    public static final AudioCost NONE = new AudioCost(0, 0, 0);

    public AudioCost plus(AudioCost o) {
        return new AudioCost(audioTokens + o.audioTokens, decodeMs + o.decodeMs, transcribeMs + o.transcribeMs);
    }

    /** Decoding and recognition together: the task output's {@code audioMs}. */
    public long audioMs() {
        return decodeMs + transcribeMs;
    }
}
