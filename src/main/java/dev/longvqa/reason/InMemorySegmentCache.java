package dev.longvqa.reason;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** A process-lifetime cache (the CLI asking several questions in one run, tests). */
final class InMemorySegmentCache implements SegmentCache {
    private final ConcurrentMap<String, SegmentOutput> entries = new ConcurrentHashMap<>();

    @Override
    public Optional<SegmentOutput> get(String key) {
        return Optional.ofNullable(entries.get(key));
    }

    @Override
    public void put(String key, SegmentOutput value) {
        entries.put(key, value);
    }

    public int size() {
        return entries.size();
    }
}
