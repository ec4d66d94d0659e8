package dev.longvqa.audio;

import dev.longvqa.audio.whisper.WhisperRecognizer;
import dev.longvqa.error.LongVqaException;
import dev.longvqa.runtime.hub.ModelStore;

import java.util.ArrayList;
import java.util.List;

/**
 * Whisper ({@link WhisperRecognizer}) in the transcript path: each segment becomes one
 * {@link TimedWord} holding the segment's text with its start and end (segment-level times; the
 * transcript's lines and the passes' renderings need no more). The model is loaded at the first
 * track, pulled into the model cache when needed; a model that cannot be had or loaded becomes a
 * {@link TranscriptionException} whose cause carries the typed {@code MODEL_UNAVAILABLE}, so the
 * job goes on without a transcript and says why.
 */
public final class WhisperSpeech implements SpeechToText {
    private final WhisperRecognizer recognizer;

    public WhisperSpeech(String model, String language, ModelStore models) {
        this.recognizer = new WhisperRecognizer(model, language, models);
    }

    public WhisperRecognizer recognizer() {
        return recognizer;
    }

    @Override
    public String id() {
        return recognizer.id();
    }

    @Override
    public Transcript transcribe(AudioTrack track) {
        if (track.samples() == 0) return new Transcript(id(), List.of());
        List<TimedWord> words = new ArrayList<>();
        try {
            for (WhisperRecognizer.Segment s : recognizer.segments(track.samples(), track::read)) {
                String text = s.text().strip();
                if (!text.isEmpty()) words.add(new TimedWord(s.startSec(), Math.max(s.startSec(), s.endSec()), text));
            }
        } catch (LongVqaException e) {
            throw new TranscriptionException(e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new TranscriptionException("whisper failed: " + e, e);
        }
        return new Transcript(id(), words);
    }
}
