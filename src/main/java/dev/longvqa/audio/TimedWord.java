package dev.longvqa.audio;

import java.util.Objects;

/** One recognised word (or segment, for engines that time phrases) and when it was said. */
record TimedWord(double startSec, double endSec, String text) {
    public TimedWord {
        Objects.requireNonNull(text, "text");
        if (!(startSec >= 0) || !(endSec >= startSec)) throw new IllegalArgumentException("bad time " + startSec + ".." + endSec);
    }
}
