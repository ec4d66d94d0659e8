package dev.longvqa.audio;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A timed transcript of a video's speech, in video time (the frames' time base).
 *
 * @param engine which recogniser made it (part of the cache key and shown in the report)
 */
public record Transcript(String engine, List<TimedWord> words) {
    /** Words closer than this stay on one line of {@link #render}. */
    static final double LINE_GAP_SEC = 1.5;
    /** A line breaks after this long even without a pause, so its timestamp stays useful. */
    static final double LINE_MAX_SEC = 10;

    public Transcript {
        Objects.requireNonNull(engine, "engine");
        words = List.copyOf(words);
    }

    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isEmpty() {
        return words.isEmpty();
    }

    /** Words that start in {@code [startSec, endSec)}. */
    public List<TimedWord> wordsIn(double startSec, double endSec) {
        return words.stream().filter(w -> w.startSec() >= startSec && w.startSec() < endSec).toList();
    }

    /** Lines of words split at pauses, each with its start time. */
    public List<Line> lines(double startSec, double endSec) {
        List<Line> lines = new ArrayList<>();
        List<TimedWord> cur = new ArrayList<>();
        for (TimedWord w : wordsIn(startSec, endSec)) {
            if (!cur.isEmpty() && (w.startSec() - cur.getLast().endSec() > LINE_GAP_SEC
                    || w.startSec() - cur.getFirst().startSec() > LINE_MAX_SEC)) {
                lines.add(Line.of(cur));
                cur = new ArrayList<>();
            }
            cur.add(w);
        }
        if (!cur.isEmpty()) lines.add(Line.of(cur));
        return lines;
    }

    /** One line of speech. */
    public record Line(double startSec, double endSec, String text) {
        static Line of(List<TimedWord> words) {
            return new Line(words.getFirst().startSec(), words.getLast().endSec(),
                    words.stream().map(TimedWord::text).collect(Collectors.joining(" ")));
        }
    }

    /**
     * The text a pass gets for a range ("Speech (automatic transcript): [12s] hello there ..."),
     * or "" when nothing was said in it: a model that gets no transcript line knows no more than
     * before audio support.
     */
    public String render(double startSec, double endSec) {
        List<Line> lines = lines(startSec, endSec);
        if (lines.isEmpty()) return "";
        return "Speech (automatic transcript, may contain errors): " + lines.stream()
                .map(l -> "[" + seconds(l.startSec()) + "] " + l.text())
                .collect(Collectors.joining(" "));
    }

    private static String seconds(double s) {
        return String.format(Locale.ROOT, "%.0fs", Math.floor(s));
    }
}
