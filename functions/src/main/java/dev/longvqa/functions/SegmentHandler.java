package dev.longvqa.functions;

import dev.longvqa.contract.Handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import jakarta.inject.Inject;
import jakarta.inject.Named;

/** Lambda {@code segment}: scenes.json and the LVCoT segments. */
@Named(Handler.Names.SEGMENT)
public class SegmentHandler implements RequestHandler<SegmentRequest, SegmentResult> {
    @Inject
    SegmentService service;

    @Override
    public SegmentResult handleRequest(SegmentRequest req, Context context) {
        return Invocation.run(Handler.Names.SEGMENT, req == null ? null : req.jobId(), () -> service.segment(req),
                r -> new JobMetrics(Handler.Names.SEGMENT, req.jobId()).put("Scenes", r.sceneCount(), "Count")
                        .put("Frames", r.frameCount(), "Count").put("Segments", r.segments().size(), "Count"));
    }
}
