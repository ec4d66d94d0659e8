package dev.longvqa.video;

import java.nio.ByteBuffer;

/** Looks at a file's first bytes to tell containers apart when FFmpeg's own error is too vague. */
final class ContainerSniffer {
    private ContainerSniffer() {}

    /** ISO base media (MP4, MOV, M4V, 3GP): a box whose type is {@code ftyp} (or moov/mdat/wide/free) at offset 4. */
    static boolean looksLikeIsoBmff(byte[] head) {
        if (head == null || head.length < 8) return false;
        String type = new String(head, 4, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
        return type.equals("ftyp") || type.equals("moov") || type.equals("mdat") || type.equals("wide") || type.equals("free");
    }

    static boolean looksLikeMatroska(byte[] head) {
        return head != null && head.length >= 4 && (head[0] & 0xff) == 0x1A && (head[1] & 0xff) == 0x45
                && (head[2] & 0xff) == 0xDF && (head[3] & 0xff) == 0xA3;
    }

    /**
     * Whether an ISO-BMFF file read front to back reaches its media data before its index: then a
     * one-pass reader cannot decode it (FFmpeg yields no frames and no error).
     * Walks the top-level boxes present in {@code head}; unknown if they run past it.
     */
    static boolean indexAfterMedia(byte[] head) {
        if (!looksLikeIsoBmff(head)) return false;
        ByteBuffer b = ByteBuffer.wrap(head);
        long pos = 0;
        while (pos + 8 <= head.length) {
            long size = b.getInt((int) pos) & 0xffffffffL;
            String type = new String(head, (int) pos + 4, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
            if (type.equals("moov")) return false;
            if (type.equals("mdat")) return true;
            if (size == 1) {
                if (pos + 16 > head.length) return false;
                size = b.getLong((int) pos + 8);
            } else if (size == 0) {
                return false; // box runs to the end of the file
            }
            if (size < 8) return false;
            pos += size;
        }
        return false;
    }
}
