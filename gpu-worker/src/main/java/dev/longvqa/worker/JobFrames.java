package dev.longvqa.worker;

import dev.longvqa.worker.store.BlobStore;

import dev.longvqa.contract.Json;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What the decode and segment stages left for a job that a pass may show: {@code scenes.json}
 * and the stored frames. Both are optional for the worker: a missing or unreadable file is
 * logged and the pass runs on what remains (text at least).
 */
final class JobFrames {
    private static final System.Logger LOG = System.getLogger(JobFrames.class.getName());

    private JobFrames() {}

    /** {@code scenes.json} as a tree; an empty object when it is missing or not JSON. */
    static JsonNode scenesDocument(BlobStore store, String scenesKey) {
        return store.get(scenesKey).map(b -> {
            try {
                JsonNode n = Json.mapper().readTree(b);
                return n != null && n.isObject() ? n : Json.mapper().createObjectNode();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "ignoring unreadable " + scenesKey + ": " + e.getMessage());
                return (JsonNode) Json.mapper().createObjectNode();
            }
        }).orElseGet(Json.mapper()::createObjectNode);
    }

    /** The scenes overlapping {@code [start, end]}, clipped to it. */
    static List<SceneInfo> scenesIn(JsonNode scenesDoc, double start, double end) {
        List<SceneInfo> out = new ArrayList<>();
        for (JsonNode s : scenesDoc.path("scenes")) {
            double s0 = s.path("startSec").asDouble(), s1 = s.path("endSec").asDouble();
            if (s1 <= start || s0 >= end) continue;
            out.add(new SceneInfo(s.path("index").asInt(out.size()), Math.max(s0, start), Math.min(s1, end)));
        }
        return out;
    }

    /** The JPEG bytes of the chosen frames; a frame that vanished is not worth failing the task. */
    static List<FrameImage> fetch(BlobStore store, List<FrameCatalog.FrameKey> chosen) throws InterruptedException {
        List<FrameImage> frames = new ArrayList<>(chosen.size());
        for (FrameCatalog.FrameKey e : chosen) {
            if (Thread.interrupted()) throw new InterruptedException();
            store.get(e.key()).ifPresentOrElse(
                    b -> frames.add(new FrameImage(e.timeSec(), e.key(), b)),
                    () -> LOG.log(System.Logger.Level.WARNING, "frame " + e.key() + " listed but missing"));
        }
        return frames;
    }
}
