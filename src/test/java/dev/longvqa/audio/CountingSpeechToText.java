package dev.longvqa.audio;

/** A recogniser that counts its calls: how the tests see that a cached transcript was not made again. */
final class CountingSpeechToText implements SpeechToText {
    private final SpeechToText inner;
    int calls;

    CountingSpeechToText(SpeechToText inner) {
        this.inner = inner;
    }

    @Override
    public String id() {
        return inner.id();
    }

    @Override
    public Transcript transcribe(AudioTrack track) {
        calls++;
        return inner.transcribe(track);
    }
}
