package dev.longvqa.functions;

import software.amazon.lambda.powertools.metrics.model.MetricUnit;

import dev.longvqa.contract.Handler;
import dev.longvqa.contract.SegmentRequest;
import dev.longvqa.contract.SegmentResult;

import jakarta.inject.Inject;
import jakarta.inject.Named;

/** Lambda {@code segment}: scenes.json and the LVCoT segments. */
@Named(Handler.BeanNames.SEGMENT)
public class SegmentHandler extends StageHandler<SegmentRequest, SegmentResult> {
    @Inject
    SegmentService service;

    public SegmentHandler() {
        super(Handler.BeanNames.SEGMENT, SegmentRequest.class);
    }

    @Override
    protected SegmentResult handle(SegmentRequest req) {
        return service.segment(req);
    }

    @Override
    protected String jobId(SegmentRequest req) {
        return req.jobId();
    }

    @Override
    protected void metrics(SegmentRequest req, SegmentResult r, JobMetrics m) {
        m.put("Scenes", r.sceneCount(), MetricUnit.COUNT).put("Frames", r.frameCount(), MetricUnit.COUNT).put("Segments", r.segments().size(), MetricUnit.COUNT);
    }
}
