package dev.longvqa.functions;

import software.amazon.lambda.powertools.metrics.model.MetricUnit;

import dev.longvqa.contract.DecodeRequest;
import dev.longvqa.contract.DecodeResult;
import dev.longvqa.contract.Handler;

import jakarta.inject.Inject;
import jakarta.inject.Named;

/** Lambda {@code decode-range}: frames and embeddings of one time range. */
@Named(Handler.BeanNames.DECODE_RANGE)
public class DecodeRangeHandler extends StageHandler<DecodeRequest, DecodeResult> {
    @Inject
    DecodeRangeService service;

    public DecodeRangeHandler() {
        super(Handler.BeanNames.DECODE_RANGE, DecodeRequest.class);
    }

    @Override
    protected DecodeResult handle(DecodeRequest req) {
        return service.decode(req);
    }

    @Override
    protected String jobId(DecodeRequest req) {
        return req.jobId();
    }

    @Override
    protected void metrics(DecodeRequest req, DecodeResult r, JobMetrics m) {
        m.put("Frames", r.frames(), MetricUnit.COUNT);
    }
}
