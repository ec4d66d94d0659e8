package dev.longvqa.tdc;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ProjectedFrameCacheTest {
    private static ProjectedFrameCache.FrameTokens frame(float v) {
        return new ProjectedFrameCache.FrameTokens(2, 3, new float[]{v, v, v, v, v, v}); // 24 bytes
    }

    @Test
    void leastRecentlyUsedFramesGoFirstOnceTheBoundIsReached() {
        ProjectedFrameCache c = ProjectedFrameCache.ofBytes(3 * 24);
        c.put(1, frame(1));
        c.put(2, frame(2));
        c.put(3, frame(3));
        assertThat(c.get(1).values()[0]).isEqualTo(1f); // 1 is now the most recent
        c.put(4, frame(4));                              // evicts 2, the least recently used
        assertThat(c.get(2)).isNull();
        assertThat(c.get(3)).isNotNull();
        assertThat(c.get(4)).isNotNull();
        assertThat(c.get(1)).isNotNull();
        assertThat(c.stats()).isEqualTo(new ProjectedFrameCache.Stats(4, 1, 3, 72));
    }

    @Test
    void replacingAFrameKeepsTheByteCountAndAFrameOverTheBoundIsNotKept() {
        ProjectedFrameCache c = ProjectedFrameCache.ofBytes(40);
        c.put(7, frame(1));
        c.put(7, frame(2));
        assertThat(c.stats().bytes()).isEqualTo(24);
        assertThat(c.get(7).values()[0]).isEqualTo(2f);
        c.put(8, new ProjectedFrameCache.FrameTokens(4, 3, new float[12])); // 48 bytes > 40
        assertThat(c.get(8)).isNull();
        assertThat(c.get(7)).as("not evicted for a frame that could never fit").isNotNull();
    }
}
